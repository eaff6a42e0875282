import { payoutCancelledV1, payoutFailedV1, payoutHeldV1, payoutSentV1, payoutSettledV1, type EventDefinition } from '@app/contracts';
import { BatchConsumer, BatchConsumes, KafkaService, SERVICE_CONFIG, type InboxMessage } from '@app/platform';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { NotificationConfig } from '../config/notification.config';
import { NoticeIntakeService } from './notice-intake.service';

/** Payout topic → its contract. */
export const PAYOUT_TOPICS = new Map<string, EventDefinition>([payoutSentV1, payoutSettledV1, payoutFailedV1, payoutHeldV1, payoutCancelledV1].map((definition) => [definition.topic, definition]));

/** Group that reads the payment service's payout events. */
export const PAYOUT_EVENTS_GROUP = 'notification-payout-events';

/**
 * Payout events by the batch: a cycle publishes two or three per payment within minutes, and one
 * transaction per event took them in at a few hundred per second, far behind the payments.
 */
@Injectable()
@BatchConsumes({ group: PAYOUT_EVENTS_GROUP, topics: [...PAYOUT_TOPICS.keys()] })
export class PayoutEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: BatchConsumer;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    private readonly kafka: KafkaService,
    private readonly intake: NoticeIntakeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer(
      this.kafka.kafka,
      { groupId: `${PAYOUT_EVENTS_GROUP}${this.config.KAFKA_CONSUMER_GROUP_SUFFIX}`, topics: [...PAYOUT_TOPICS.keys()], sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS, partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS },
      (messages) => this.onBatch(messages),
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private onBatch(messages: InboxMessage[]): Promise<void> {
    // a fetched batch is one partition of one topic
    return this.intake.consumeBatch(PAYOUT_TOPICS.get(messages[0].topic)!, messages);
  }
}

import { instructionReportedV1, PAYING_INSTITUTIONS } from '@app/contracts';
import { BatchConsumer, BatchConsumes, InboxConsumerService, KafkaService, SERVICE_CONFIG, type InboxMessage } from '@app/platform';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { PaymentConfig } from '../config/payment.config';
import { BankResultsService } from './bank-results.service';

/** Result topic → the institution it belongs to: an institution can only report on its own topic. */
export const RESULT_TOPICS = new Map(PAYING_INSTITUTIONS.map((institution) => [instructionReportedV1(institution.code).topic, institution.code]));

/** Group that reads the institutions' result topics; banks grant read ACLs on their result topic to it. */
export const BANK_RESULTS_GROUP = 'payment-bank-results';

/**
 * Bank results by the batch, not one transaction per message: a cycle brings every answer at once
 * (100,000 for a province), and settlements are applied set-based in one inbox transaction per fetched
 * batch; rejections and anything unusual still go one by one through BankResultsService.apply.
 */
@Injectable()
@BatchConsumes({ group: BANK_RESULTS_GROUP, topics: [...RESULT_TOPICS.keys()] })
export class BankResultsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: BatchConsumer;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    private readonly kafka: KafkaService,
    private readonly inbox: InboxConsumerService,
    private readonly results: BankResultsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = new BatchConsumer(
      this.kafka.kafka,
      { groupId: `${BANK_RESULTS_GROUP}${this.config.KAFKA_CONSUMER_GROUP_SUFFIX}`, topics: [...RESULT_TOPICS.keys()], sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS, partitionsConsumedConcurrently: this.config.KAFKA_TOPIC_PARTITIONS },
      (messages) => this.onBatch(messages),
    );
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private onBatch(messages: InboxMessage[]): Promise<void> {
    // a fetched batch is one partition of one topic: one institution
    const institutionCode = RESULT_TOPICS.get(messages[0].topic)!;
    return this.inbox.consumeBatch(instructionReportedV1(institutionCode), messages, {
      many: (events, manager) => this.results.settleMany(events, institutionCode, manager),
      one: (event, manager) => this.results.apply(event, institutionCode, manager),
    });
  }
}

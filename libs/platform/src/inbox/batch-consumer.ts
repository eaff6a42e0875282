import { Logger, SetMetadata } from '@nestjs/common';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { InboxMessage } from './inbox-consumer.service';

export interface BatchConsumerOptions {
  /** Exact group name (suffix included). */
  groupId: string;
  topics: string[];
  sessionTimeoutMs: number;
  /** Partitions handled at the same time (each one batch after another). */
  partitionsConsumedConcurrently: number;
}

export const BATCH_CONSUMES = 'ansinh:batch-consumes';

export interface BatchConsumption {
  /** Group name without the deployment's suffix. */
  group: string;
  topics: readonly string[];
}

/**
 * Declares on a provider class what its BatchConsumer reads, as @EventPattern declares it on a
 * controller, so tooling (the topic fuzzer, consumer-lag checks) finds every topic a service consumes.
 */
export const BatchConsumes = (consumption: BatchConsumption) => SetMetadata(BATCH_CONSUMES, consumption);

/**
 * A consumer that hands each fetched batch (one partition's messages, up to ~1 MB) to one handler call,
 * for topics where a transaction per message cannot keep up (a cycle brings 100,000 bank results at once).
 * Offsets are committed after the handler returns; a handler that throws gets the batch again.
 */
export class BatchConsumer {
  private readonly logger = new Logger(BatchConsumer.name);
  private consumer?: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly handle: (messages: InboxMessage[]) => Promise<void>,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.floor(this.options.sessionTimeoutMs / 10),
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        if (batch.messages.length === 0) return;
        const toSource = (message: KafkaMessage): InboxMessage => ({ topic: batch.topic, partition: batch.partition, message, heartbeat });
        await this.handle(batch.messages.map(toSource));
      },
    });
    this.logger.log({ groupId: this.options.groupId, topics: this.options.topics.length }, 'batch consumer running');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

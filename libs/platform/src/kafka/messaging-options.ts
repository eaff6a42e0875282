export interface MessagingOptions {
  serviceName: string;
  /** PostgreSQL schema that holds this service's outbox and inbox. */
  schema: string;
  brokers: string[];
  topicPartitions: number;
  consumerMaxAttempts: number;
  outboxBatchSize: number;
  outboxPollIntervalMs: number;
  /** Topics this service consumes or produces; created (with their dead-letter topics) at boot. */
  topics: string[];
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { deadLetterTopicOf } from '@app/contracts';
import { Kafka, Partitioners, type Admin, type Producer } from 'kafkajs';
import { kafkaLogCreator } from './kafka-logger';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging-options';

/** The service's kafkajs client: one idempotent producer (outbox relay, dead letters) and an admin. */
@Injectable()
export class KafkaService implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaService.name);
  readonly kafka: Kafka;
  private producerPromise?: Promise<Producer>;
  private adminPromise?: Promise<Admin>;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {
    this.kafka = new Kafka({
      clientId: `${options.serviceName}-producer`,
      brokers: options.brokers,
      logCreator: kafkaLogCreator(options.serviceName),
      connectionTimeout: 3_000,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
  }

  producer(): Promise<Producer> {
    this.producerPromise ??= (async () => {
      // One request in flight keeps each partition in the order the outbox wrote it. A retried send may
      // duplicate a message; consumers drop duplicates by event id, so kafkajs' (experimental)
      // idempotent mode, which demands unbounded retries, is not needed.
      const producer = this.kafka.producer({
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((error) => {
      this.producerPromise = undefined;
      throw error;
    });
    return this.producerPromise;
  }

  admin(): Promise<Admin> {
    this.adminPromise ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error) => {
      this.adminPromise = undefined;
      throw error;
    });
    return this.adminPromise;
  }

  /** Creates the service's topics and their dead-letter topics if missing. Idempotent. */
  /**
   * Creates this service's topics and their dead-letter topics, and returns once the broker hosts every one
   * of them with a leader. Services booting together on a new broker create overlapping topics: a topic
   * another service has just created is listed before the broker hosts it, and subscribing to it, or
   * kafkajs's createTopics, then fails with a retriable UNKNOWN_TOPIC_OR_PARTITION (`npm start` on a fresh
   * machine stopped on it). Retriable errors are tried again, from the listing.
   */
  async ensureTopics(attempts = 20): Promise<void> {
    const admin = await this.admin();
    const wanted = [...new Set(this.options.topics.flatMap((topic) => [topic, deadLetterTopicOf(topic)]))];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((topic) => !existing.has(topic));
        if (missing.length > 0) {
          await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.options.topicPartitions })) });
          this.logger.log({ topics: missing }, 'created topics');
        }
        const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
        const leaderless = topics.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0));
        if (leaderless.length === 0) return;
        throw Object.assign(new Error(`topics without a leader yet: ${leaderless.map((topic) => topic.name).join(', ')}`), { retriable: true });
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || attempt >= attempts) throw error;
        this.logger.warn({ err: error, attempt }, 'topics not ready yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * attempt)));
      }
    }
  }

  async ping(timeoutMs = 2_000): Promise<void> {
    const admin = await this.admin();
    await Promise.race([
      admin.describeCluster(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`kafka did not answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = await this.producerPromise?.catch(() => undefined);
    const admin = await this.adminPromise?.catch(() => undefined);
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
  }
}

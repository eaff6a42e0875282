import { chunkByBytes, MAX_REQUEST_VALUE_BYTES } from '@app/contracts';
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Message } from 'kafkajs';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { KafkaService } from '../kafka/kafka.service';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../kafka/messaging-options';

interface PendingRow {
  id: string;
  topic: string;
  message_key: string;
  envelope: string;
  correlation_id: string;
}

const published = new Counter({ name: 'ansinh_outbox_published_total', help: 'Outbox events published to Kafka', labelNames: ['topic'] });
const backlog = new Gauge({ name: 'ansinh_outbox_backlog', help: 'Outbox events not yet published at the last poll' });

/**
 * Publishes committed outbox rows to Kafka in id order, in batches, and marks them published in the
 * same transaction that locked them. At-least-once: a crash between the send and the commit re-sends
 * the batch, which consumers drop by event id. One relay per service at a time (advisory lock), so
 * events of one aggregate leave in the order they were written. A batch larger than one produce
 * request leaves as several requests, one after the other, each acknowledged before the next is sent,
 * so a partition still receives its messages in id order.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private readonly lockKey: string;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kafka: KafkaService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {
    this.lockKey = createHash('sha256').update(`outbox:${options.schema}`).digest().readBigInt64BE().toString();
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Publishes one batch; returns how many rows it published. Exposed for tests and benchmarks. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [this.lockKey]);
      if (!locked) return 0;
      const rows: PendingRow[] = await manager.query(
        `SELECT id, topic, message_key, envelope::text AS envelope, envelope->>'correlationId' AS correlation_id
           FROM "${this.options.schema}".outbox_event
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT $1`,
        [this.options.outboxBatchSize],
      );
      if (rows.length === 0) return 0;
      const producer = await this.kafka.producer();
      // The per-request fixed costs (a round trip to the broker, its acknowledgement by every replica)
      // are paid once per chunk, not once per few hundred rows.
      const send = async () => {
        for (const chunk of chunkByBytes(rows.map((row) => ({ ...row, value: row.envelope })), MAX_REQUEST_VALUE_BYTES)) {
          const byTopic = new Map<string, Message[]>();
          for (const row of chunk) {
            const messages = byTopic.get(row.topic) ?? [];
            messages.push({ key: row.message_key, value: row.envelope, headers: { 'x-correlation-id': row.correlation_id } });
            byTopic.set(row.topic, messages);
          }
          await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          for (const [topic, messages] of byTopic) published.inc({ topic }, messages.length);
        }
      };
      // The rows are marked while Kafka takes them: the mark only counts once the transaction commits,
      // which it does only after every message was acknowledged (a failed send rolls the marks back).
      const mark = manager.query(`UPDATE "${this.options.schema}".outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
      const [sent, marked] = await Promise.allSettled([send(), mark]);
      if (sent.status === 'rejected') throw sent.reason;
      if (marked.status === 'rejected') throw marked.reason;
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const count = await this.publishBatch();
        failures = 0;
        if (count < this.options.outboxBatchSize) {
          await this.refreshBacklog();
          await this.pause(this.options.outboxPollIntervalMs);
        }
      } catch (error) {
        failures += 1;
        // Nothing is lost while Kafka or PostgreSQL is down: the rows wait, and the relay backs off.
        this.logger.warn({ err: error, failures }, 'outbox relay could not publish; will retry');
        await this.pause(Math.min(30_000, this.options.outboxPollIntervalMs * 2 ** Math.min(failures, 8)));
      }
    }
  }

  private async refreshBacklog(): Promise<void> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM "${this.options.schema}".outbox_event WHERE published_at IS NULL`);
    backlog.set(count);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

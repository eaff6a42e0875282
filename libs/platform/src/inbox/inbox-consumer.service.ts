import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEAD_LETTER_HEADERS, deadLetterTopicOf, type DeadLetterReason, type EventDefinition, type EventEnvelope } from '@app/contracts';
import type { KafkaContext } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { RequestContext } from '../context/request-context';
import { isInfrastructureError } from '../database/database-options';
import { DomainError } from '../errors/domain-error';
import { KafkaService } from '../kafka/kafka.service';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../kafka/messaging-options';

export type ConsumeOutcome = 'processed' | 'duplicate' | 'dead-lettered';

/** One Kafka message and where it came from: what the inbox needs, from a Nest handler or a batch consumer. */
export interface InboxMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
  heartbeat: () => Promise<void>;
}

/**
 * How a batch of events is applied: `many` applies in one go those it can and returns their event ids;
 * every other event goes through `one`, as a single message would.
 */
export interface BatchHandlers<TEvent> {
  many: (events: TEvent[], manager: EntityManager) => Promise<Set<string>>;
  one: (event: TEvent, manager: EntityManager) => Promise<void>;
}

const consumed = new Counter({ name: 'ansinh_events_consumed_total', help: 'Kafka events consumed, by outcome', labelNames: ['topic', 'outcome'] });


/**
 * Runs a Kafka message handler exactly once per event id:
 * - the message is parsed against its contract; one that fails goes to `<topic>.dlq` with the reason;
 * - the event id is recorded in the inbox in the same transaction as the handler's effect, so a
 *   redelivered event changes nothing;
 * - a handler that keeps failing is retried a bounded number of times, then dead-lettered, so one
 *   bad message never blocks its partition;
 * - an infrastructure failure (database or broker down) is re-thrown: kafkajs does not commit the
 *   offset and delivers the message again once the service recovers, so nothing is lost.
 */
@Injectable()
export class InboxConsumerService {
  private readonly logger = new Logger(InboxConsumerService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly kafka: KafkaService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async consume<TPayload extends z.ZodType>(
    definition: EventDefinition<TPayload>,
    context: KafkaContext,
    handle: (event: EventEnvelope<z.infer<TPayload>>, manager: EntityManager) => Promise<void>,
  ): Promise<ConsumeOutcome> {
    return this.consumeMessage(definition, { topic: context.getTopic(), partition: context.getPartition(), message: context.getMessage(), heartbeat: context.getHeartbeat() }, handle);
  }

  async consumeMessage<TPayload extends z.ZodType>(
    definition: EventDefinition<TPayload>,
    source: InboxMessage,
    handle: (event: EventEnvelope<z.infer<TPayload>>, manager: EntityManager) => Promise<void>,
  ): Promise<ConsumeOutcome> {
    const { message } = source;
    const raw = message.value as unknown as Buffer | null;
    const parsed = this.parse(definition, raw);
    if (!parsed.ok) {
      await this.deadLetter(source, raw, 'INVALID_MESSAGE', parsed.detail, 0);
      return 'dead-lettered';
    }
    const event = parsed.event;
    return RequestContext.run({ correlationId: event.correlationId, causationId: event.eventId }, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const outcome = await this.dataSource.transaction(async (manager) => {
            const [recorded] = await manager.query(
              `INSERT INTO "${this.options.schema}".inbox_event (consumer, event_id, topic, kafka_partition, kafka_offset, correlation_id)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (consumer, event_id) DO UPDATE SET redeliveries = inbox_event.redeliveries + 1
               RETURNING (xmax = 0) AS first_delivery`,
              [this.options.serviceName, event.eventId, source.topic, source.partition, message.offset, event.correlationId],
            );
            if (!recorded.first_delivery) return 'duplicate' as const;
            await handle(event, manager);
            return 'processed' as const;
          });
          consumed.inc({ topic: source.topic, outcome });
          this.logger.debug({ eventId: event.eventId, topic: source.topic, outcome }, 'event consumed');
          return outcome;
        } catch (error) {
          if (isInfrastructureError(error)) {
            this.logger.warn({ err: error, eventId: event.eventId }, 'infrastructure unavailable; message will be redelivered');
            throw error;
          }
          if (attempt >= this.options.consumerMaxAttempts || error instanceof DomainError) {
            const detail = error instanceof DomainError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
            this.logger.error({ err: error, eventId: event.eventId, attempt }, 'event could not be processed; dead-lettered');
            await this.deadLetter(source, raw, error instanceof DomainError ? 'REJECTED' : 'PROCESSING_FAILED', detail, attempt);
            return 'dead-lettered';
          }
          await source.heartbeat();
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        }
      }
    });
  }


  /**
   * A whole fetched batch in one transaction, with the guarantees of `consume` for each event: one
   * inbox row per event id (redeliveries change nothing), invalid messages dead-lettered. `many`
   * applies the events it can set-based; the rest go through `one`, each under a savepoint. An event
   * `one` fails on is taken out of the batch and then consumed on its own, with the usual retries and
   * dead letter, so one bad event never holds back or rolls back the others.
   */
  async consumeBatch<TPayload extends z.ZodType>(
    definition: EventDefinition<TPayload>,
    sources: InboxMessage[],
    handlers: BatchHandlers<EventEnvelope<z.infer<TPayload>>>,
  ): Promise<void> {
    const valid: Array<{ source: InboxMessage; event: EventEnvelope<z.infer<TPayload>> }> = [];
    const later: InboxMessage[] = [];
    const refused: Array<{ source: InboxMessage; error: DomainError }> = [];
    const seen = new Set<string>();
    for (const source of sources) {
      const raw = source.message.value as unknown as Buffer | null;
      const parsed = this.parse(definition, raw);
      if (!parsed.ok) await this.deadLetter(source, raw, 'INVALID_MESSAGE', parsed.detail, 0);
      // the same event twice in one batch: the second is a redelivery, recorded as such afterwards
      else if (seen.has(parsed.event.eventId)) later.push(source);
      else {
        seen.add(parsed.event.eventId);
        valid.push({ source, event: parsed.event });
      }
    }
    if (valid.length === 0) return this.consumeEach(definition, later, handlers.one);
    let outcomes: { processed: number; duplicate: number };
    try {
      outcomes = await this.dataSource.transaction(async (manager) => {
        const recorded: Array<{ event_id: string; first_delivery: boolean }> = await manager.query(
          `INSERT INTO "${this.options.schema}".inbox_event (consumer, event_id, topic, kafka_partition, kafka_offset, correlation_id)
           SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::int[], $5::bigint[], $6::text[])
           ON CONFLICT (consumer, event_id) DO UPDATE SET redeliveries = inbox_event.redeliveries + 1
           RETURNING event_id, (xmax = 0) AS first_delivery`,
          [
            this.options.serviceName,
            valid.map(({ event }) => event.eventId),
            valid.map(({ source }) => source.topic),
            valid.map(({ source }) => source.partition),
            valid.map(({ source }) => source.message.offset),
            valid.map(({ event }) => event.correlationId),
          ],
        );
        const firstDelivery = new Set(recorded.filter((row) => row.first_delivery).map((row) => row.event_id));
        const fresh = valid.filter(({ event }) => firstDelivery.has(event.eventId));
        const handled = fresh.length ? await handlers.many(fresh.map(({ event }) => event), manager) : new Set<string>();
        let takenOut = 0;
        for (const { source, event } of fresh) {
          if (handled.has(event.eventId)) continue;
          await manager.query('SAVEPOINT inbox_event');
          try {
            await RequestContext.run({ correlationId: event.correlationId, causationId: event.eventId }, () => handlers.one(event, manager));
            await manager.query('RELEASE SAVEPOINT inbox_event');
          } catch (error) {
            if (isInfrastructureError(error)) throw error;
            await manager.query('ROLLBACK TO SAVEPOINT inbox_event');
            await manager.query(`DELETE FROM "${this.options.schema}".inbox_event WHERE consumer = $1 AND event_id = $2`, [this.options.serviceName, event.eventId]);
            // a refusal is final (as in `consume`); any other failure gets the single path's retries
            if (error instanceof DomainError) refused.push({ source, error });
            else later.push(source);
            takenOut += 1;
          }
        }
        return { processed: fresh.length - takenOut, duplicate: valid.length - fresh.length };
      });
    } catch (error) {
      if (isInfrastructureError(error)) throw error;
      // a fault of the batch path itself: every message takes the single-message path instead
      this.logger.warn({ err: error, topic: sources[0]?.topic, messages: sources.length }, 'batch could not be applied; consuming its messages one by one');
      return this.consumeEach(definition, [...valid.map(({ source }) => source), ...later], handlers.one);
    }
    for (const { source, error } of refused) {
      this.logger.error({ err: error, eventId: this.eventIdOf(source) }, 'event could not be processed; dead-lettered');
      await this.deadLetter(source, source.message.value as unknown as Buffer | null, 'REJECTED', `${error.code}: ${error.message}`, 1);
    }
    const topic = sources[0].topic;
    if (outcomes.processed) consumed.inc({ topic, outcome: 'processed' }, outcomes.processed);
    if (outcomes.duplicate) consumed.inc({ topic, outcome: 'duplicate' }, outcomes.duplicate);
    await this.consumeEach(definition, later, handlers.one);
  }

  private eventIdOf(source: InboxMessage): string | undefined {
    try {
      return (JSON.parse(source.message.value?.toString('utf8') ?? '') as { eventId?: string }).eventId;
    } catch {
      return undefined;
    }
  }

  private async consumeEach<TPayload extends z.ZodType>(
    definition: EventDefinition<TPayload>,
    sources: InboxMessage[],
    handle: (event: EventEnvelope<z.infer<TPayload>>, manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    for (const source of sources) await this.consumeMessage(definition, source, handle);
  }

  private parse<TPayload extends z.ZodType>(
    definition: EventDefinition<TPayload>,
    raw: Buffer | null,
  ): { ok: true; event: EventEnvelope<z.infer<TPayload>> } | { ok: false; detail: string } {
    if (!raw || raw.length === 0) return { ok: false, detail: 'empty message value' };
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return { ok: false, detail: 'value is not JSON' };
    }
    const result = definition.envelope.safeParse(json);
    if (!result.success) {
      const detail = result.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      return { ok: false, detail };
    }
    if (result.data.type !== definition.type || result.data.version !== definition.version) {
      return { ok: false, detail: `expected ${definition.type} v${definition.version}, got ${result.data.type} v${result.data.version}` };
    }
    return { ok: true, event: result.data as EventEnvelope<z.infer<TPayload>> };
  }

  private async deadLetter(source: InboxMessage, raw: Buffer | null, reason: DeadLetterReason, detail: string, attempts: number): Promise<void> {
    const { message, topic } = source;
    const producer = await this.kafka.producer();
    // Awaited with acks=all: if the dead letter cannot be written, the error propagates and the
    // original message is redelivered rather than dropped.
    await producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: (message.key as unknown as Buffer | string | null) ?? null,
          value: raw,
          headers: {
            [DEAD_LETTER_HEADERS.reason]: reason,
            [DEAD_LETTER_HEADERS.detail]: detail.slice(0, 2_000),
            [DEAD_LETTER_HEADERS.originalTopic]: topic,
            [DEAD_LETTER_HEADERS.originalPartition]: String(source.partition),
            [DEAD_LETTER_HEADERS.originalOffset]: String(message.offset),
            [DEAD_LETTER_HEADERS.consumer]: this.options.serviceName,
            [DEAD_LETTER_HEADERS.attempts]: String(attempts),
          },
        },
      ],
    });
    consumed.inc({ topic, outcome: 'dead-lettered' });
    this.logger.warn({ topic, partition: source.partition, offset: message.offset, reason, detail }, 'message sent to dead-letter topic');
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEAD_LETTER_HEADERS, deadLetterTopicOf, type DeadLetterReason, type EventDefinition, type EventEnvelope } from '@app/contracts';
import type { KafkaContext } from '@nestjs/microservices';
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
    const message = context.getMessage();
    const raw = message.value as unknown as Buffer | null;
    const parsed = this.parse(definition, raw);
    if (!parsed.ok) {
      await this.deadLetter(context, raw, 'INVALID_MESSAGE', parsed.detail, 0);
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
              [this.options.serviceName, event.eventId, context.getTopic(), context.getPartition(), message.offset, event.correlationId],
            );
            if (!recorded.first_delivery) return 'duplicate' as const;
            await handle(event, manager);
            return 'processed' as const;
          });
          consumed.inc({ topic: context.getTopic(), outcome });
          this.logger.debug({ eventId: event.eventId, topic: context.getTopic(), outcome }, 'event consumed');
          return outcome;
        } catch (error) {
          if (isInfrastructureError(error)) {
            this.logger.warn({ err: error, eventId: event.eventId }, 'infrastructure unavailable; message will be redelivered');
            throw error;
          }
          if (attempt >= this.options.consumerMaxAttempts || error instanceof DomainError) {
            const detail = error instanceof DomainError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
            this.logger.error({ err: error, eventId: event.eventId, attempt }, 'event could not be processed; dead-lettered');
            await this.deadLetter(context, raw, error instanceof DomainError ? 'REJECTED' : 'PROCESSING_FAILED', detail, attempt);
            return 'dead-lettered';
          }
          await context.getHeartbeat()();
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        }
      }
    });
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

  private async deadLetter(context: KafkaContext, raw: Buffer | null, reason: DeadLetterReason, detail: string, attempts: number): Promise<void> {
    const message = context.getMessage();
    const topic = context.getTopic();
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
            [DEAD_LETTER_HEADERS.originalPartition]: String(context.getPartition()),
            [DEAD_LETTER_HEADERS.originalOffset]: String(message.offset),
            [DEAD_LETTER_HEADERS.consumer]: this.options.serviceName,
            [DEAD_LETTER_HEADERS.attempts]: String(attempts),
          },
        },
      ],
    });
    consumed.inc({ topic, outcome: 'dead-lettered' });
    this.logger.warn({ topic, partition: context.getPartition(), offset: message.offset, reason, detail }, 'message sent to dead-letter topic');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { type EventDefinition, type EventEnvelope } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { RequestContext } from '../context/request-context';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../kafka/messaging-options';

export interface EnvelopeHeader {
  /** The schema that holds the outbox_event table. */
  schema: string;
  topic: string;
  type: string;
  version: number;
  occurredAt: string;
  producer: string;
  correlationId: string;
  causationId: string | null;
}

/**
 * Records an event in the caller's transaction. Nothing reaches Kafka unless the state change that
 * caused it commits, and nothing that committed fails to reach Kafka: the relay publishes it later.
 */
@Injectable()
export class OutboxService {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async add<TPayload extends z.ZodType>(
    manager: EntityManager,
    definition: EventDefinition<TPayload>,
    aggregateId: string,
    payload: z.infer<TPayload>,
  ): Promise<EventEnvelope<z.infer<TPayload>>> {
    return (await this.addMany(manager, definition, [{ aggregateId, payload }]))[0];
  }

  /**
   * Everything of an envelope but its event id, aggregate and payload, for writers that build the
   * envelopes of many rows in SQL (INSERT … SELECT) instead of one by one here; such a writer is to
   * check what it wrote against `definition.envelope` (see ImportRunner).
   */
  envelopeHeader(definition: EventDefinition): EnvelopeHeader {
    const context = RequestContext.current();
    return {
      schema: this.options.schema,
      topic: definition.topic,
      type: definition.type,
      version: definition.version,
      occurredAt: new Date().toISOString(),
      producer: this.options.serviceName,
      correlationId: context?.correlationId ?? uuidv7(),
      causationId: context?.causationId ?? null,
    };
  }

  async addMany<TPayload extends z.ZodType>(
    manager: EntityManager,
    definition: EventDefinition<TPayload>,
    /** `cause`: the consumed event this one answers, when a batch answers several (else the current context's). */
    events: Array<{ aggregateId: string; payload: z.infer<TPayload>; cause?: { correlationId: string; eventId: string } }>,
  ): Promise<Array<EventEnvelope<z.infer<TPayload>>>> {
    if (events.length === 0) return [];
    const context = RequestContext.current();
    const occurredAt = new Date().toISOString();
    const envelopes = events.map(({ aggregateId, payload, cause }) =>
      // Parsing here turns a producer bug into an error in the producing transaction, not a poison message.
      definition.envelope.parse({
        eventId: uuidv7(),
        type: definition.type,
        version: definition.version,
        occurredAt,
        producer: this.options.serviceName,
        correlationId: cause?.correlationId ?? context?.correlationId ?? uuidv7(),
        causationId: cause?.eventId ?? context?.causationId ?? null,
        aggregateId,
        payload,
      }) as EventEnvelope<z.infer<TPayload>>,
    );
    const values: unknown[] = [];
    const rows = envelopes.map((envelope, index) => {
      values.push(envelope.eventId, definition.topic, envelope.aggregateId, JSON.stringify(envelope));
      const base = index * 4;
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}::json)`;
    });
    await manager.query(
      `INSERT INTO "${this.options.schema}".outbox_event (event_id, topic, message_key, envelope) VALUES ${rows.join(', ')}`,
      values,
    );
    return envelopes;
  }
}

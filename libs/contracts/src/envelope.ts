import { z } from 'zod';

/**
 * The one envelope every AnSinh event travels in. The Kafka message key is always `aggregateId`, so
 * all events of one aggregate stay ordered within a partition; consumers de-duplicate on `eventId`.
 */
export const envelopeMetaSchema = z.object({
  eventId: z.uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'type is <context>.<entity>.<event>'),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128).nullable(),
  aggregateId: z.string().min(1).max(128),
});

export type EnvelopeMeta = z.infer<typeof envelopeMetaSchema>;

export interface EventEnvelope<TPayload> extends EnvelopeMeta {
  payload: TPayload;
}

export function envelopeSchema<TPayload extends z.ZodType>(payload: TPayload) {
  return envelopeMetaSchema.extend({ payload }).strict();
}

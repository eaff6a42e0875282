import { z } from 'zod';
import { envelopeSchema } from '../envelope';

/** A versioned event: its topic, its type and version, and the schema of its payload. */
export interface EventDefinition<TPayload extends z.ZodType = z.ZodType> {
  topic: string;
  type: string;
  version: number;
  description: string;
  payload: TPayload;
  envelope: ReturnType<typeof envelopeSchema<TPayload>>;
}

/**
 * Topic names are `<context>.<entity>.<past-tense event>.v<major>`; a breaking change gets a new major
 * and a new topic, an added optional field keeps both.
 */
export function defineEvent<TPayload extends z.ZodType>(spec: {
  context: string;
  entity: string;
  event: string;
  version: number;
  description: string;
  payload: TPayload;
}): EventDefinition<TPayload> {
  const type = `${spec.context}.${spec.entity}.${spec.event}`;
  return {
    topic: `${type}.v${spec.version}`,
    type,
    version: spec.version,
    description: spec.description,
    payload: spec.payload,
    envelope: envelopeSchema(spec.payload),
  };
}

export type PayloadOf<TDefinition> = TDefinition extends EventDefinition<infer P> ? z.infer<P> : never;

/** Dead-letter topic of a topic: where messages that cannot be processed go, with the reason in headers. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Headers on a dead letter, so an operator (or a replay tool) knows where a message came from and why. */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dlq-reason',
  detail: 'x-dlq-detail',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumer: 'x-dlq-consumer',
  attempts: 'x-dlq-attempts',
} as const;

export type DeadLetterReason = 'INVALID_MESSAGE' | 'REJECTED' | 'PROCESSING_FAILED';

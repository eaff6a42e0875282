import { z } from 'zod';
import { DEAD_LETTER_HEADERS, deadLetterTopicOf, EVENT_CATALOGUE, instructionIssuedV1, instructionReportedV1, type EventDefinition } from '../events';
import { PAYING_INSTITUTIONS } from '../values/paying-institution';
import { instructionIssuedExamples, instructionReportedExamples, type InstitutionExample } from './institution-examples';

/**
 * The contracts as documents for the engineers of banks and other consumers: one JSON Schema per
 * event and one AsyncAPI document for every topic. Pure: derived from EVENT_CATALOGUE and the
 * per-institution instruction topics only, so the
 * committed copies in docs/contracts/ can be compared with what the code says now
 * (`npm run contracts:export` rewrites them).
 */

type JsonObject = Record<string, unknown>;
type SchemaTarget = 'draft-2020-12' | 'draft-07';

/** Headers a consumer puts on a dead letter (written by the platform's inbox consumer). */
export const DEAD_LETTER_HEADER_DOCS: Readonly<Record<string, JsonObject>> = {
  [DEAD_LETTER_HEADERS.reason]: {
    type: 'string',
    enum: ['INVALID_MESSAGE', 'REJECTED', 'PROCESSING_FAILED'],
    description:
      'Why the message was dead-lettered: INVALID_MESSAGE (not JSON, or does not match the contract of the topic), ' +
      'REJECTED (a business rule refused it; retrying changes nothing), PROCESSING_FAILED (failed every attempt).',
  },
  [DEAD_LETTER_HEADERS.detail]: { type: 'string', maxLength: 2000, description: 'Human-readable detail: the failed fields or the error message.' },
  [DEAD_LETTER_HEADERS.originalTopic]: { type: 'string', description: 'Topic the message was read from.' },
  [DEAD_LETTER_HEADERS.originalPartition]: { type: 'string', pattern: '^\\d+$', description: 'Partition it was read from (decimal).' },
  [DEAD_LETTER_HEADERS.originalOffset]: { type: 'string', pattern: '^\\d+$', description: 'Offset it was read at (decimal).' },
  [DEAD_LETTER_HEADERS.consumer]: { type: 'string', description: 'The consuming service that gave up on it.' },
  [DEAD_LETTER_HEADERS.attempts]: {
    type: 'string',
    pattern: '^\\d+$',
    description: 'How many times processing was attempted (decimal); 0 when the message was rejected before processing.',
  },
};

/** File name of the JSON Schema of an event in docs/contracts/ (`{institution}` is written `institution`). */
export function schemaFileName(topic: string): string {
  return `${topic.replace(/[{}]/g, '')}.schema.json`;
}

/** The placeholder of the paying institution in the names of the per-institution topics. */
export const INSTITUTION_PARAMETER = 'institution';

/**
 * A family of topics, one per paying institution (`bank.{institution}.instruction.issued.v1`), with
 * the same contract on each: documented once, as a parameterised channel.
 */
export interface InstitutionChannel {
  definition: EventDefinition;
  /** What AnSinh does on it: send instructions, receive results. */
  action: 'send' | 'receive';
  examples: ReadonlyArray<InstitutionExample<unknown>>;
}

export function institutionChannels(): InstitutionChannel[] {
  const placeholder = `{${INSTITUTION_PARAMETER}}`;
  return [
    { definition: instructionIssuedV1(placeholder), action: 'send', examples: instructionIssuedExamples() },
    { definition: instructionReportedV1(placeholder), action: 'receive', examples: instructionReportedExamples() },
  ];
}

const INSTITUTION_PARAMETER_DOC = {
  description:
    'The paying institution, lower case: a bank by its 6-digit NAPAS BIN (970436 Vietcombank), an e-wallet by its provider code ' +
    '(momo), or vnpost for cash at the post office. A PREFIXED Kafka ACL on `bank.<institution>.` confines an institution to its own topics.',
  enum: PAYING_INSTITUTIONS.map((institution) => institution.code.toLowerCase()),
  examples: ['970436', 'momo', 'vnpost'],
};

/**
 * The JSON Schema of an event's envelope, as zod derives it, with a title and description, and with
 * `type` and `version` pinned to the event's: a consumer rejects an envelope of another type or version
 * arriving on the topic, so the schema says so too.
 */
export function envelopeJsonSchema(definition: EventDefinition, target: SchemaTarget = 'draft-2020-12'): JsonObject {
  const { $schema, ...schema } = z.toJSONSchema(definition.envelope, { target }) as JsonObject;
  const properties = schema.properties as Record<string, JsonObject>;
  return {
    $schema,
    title: definition.topic,
    description: definition.description,
    ...schema,
    properties: {
      ...properties,
      type: { ...properties.type, const: definition.type },
      version: { ...properties.version, const: definition.version },
    },
  };
}

/** The schema of a per-institution topic, with its examples (signed with the RFC 8032 test keys). */
function institutionJsonSchema(channel: InstitutionChannel, target: SchemaTarget): JsonObject {
  return { ...envelopeJsonSchema(channel.definition, target), examples: channel.examples.map((example) => example.envelope) };
}

/** File name → content: one `<topic>.schema.json` per event in the catalogue and per institution topic family. */
export function contractDocuments(): Record<string, string> {
  const render = (schema: JsonObject) => `${JSON.stringify(schema, null, 2)}\n`;
  return Object.fromEntries([
    ...EVENT_CATALOGUE.map((definition) => [schemaFileName(definition.topic), render(envelopeJsonSchema(definition))]),
    ...institutionChannels().map((channel) => [schemaFileName(channel.definition.topic), render(institutionJsonSchema(channel, 'draft-2020-12'))]),
  ]);
}

/** `beneficiary.beneficiary.registered.v1` → `beneficiaryBeneficiaryRegisteredV1` (AsyncAPI ids allow no dots). */
function idOf(topic: string): string {
  return topic
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part, index) => (index === 0 ? part : capitalise(part)))
    .join('');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const INSTITUTION_KEY_DOC = {
  type: 'string',
  format: 'uuid',
  description: 'The instructionId (the envelope\'s aggregateId): every send and every answer of one instruction share a partition, in order.',
};

interface MessageDocOptions {
  correlation: string;
  key: JsonObject;
  examples?: JsonObject[];
}

/** The AsyncAPI message of one event definition: its envelope schema, key and correlation. */
function messageDoc(definition: EventDefinition, { correlation, key, examples }: MessageDocOptions): JsonObject {
  return {
    name: definition.type,
    title: `${definition.type} v${definition.version}`,
    summary: definition.description,
    contentType: 'application/json',
    headers: {
      type: 'object',
      properties: {
        'x-correlation-id': { type: 'string', description: 'Same value as the envelope\'s correlationId.' },
      },
    },
    payload: { schemaFormat: 'application/schema+json;version=draft-07', schema: envelopeJsonSchema(definition, 'draft-07') },
    correlationId: { description: correlation, location: '$message.payload#/correlationId' },
    bindings: { kafka: { key, bindingVersion: '0.5.0' } },
    ...(examples ? { examples } : {}),
  };
}

function operationDoc(action: 'send' | 'receive', title: string, summary: string, channelId: string, messageId: string): JsonObject {
  return {
    action,
    title,
    summary,
    channel: { $ref: `#/channels/${channelId}` },
    messages: [{ $ref: `#/channels/${channelId}/messages/${messageId}` }],
  };
}

interface DeadLetterDocOptions {
  description: string;
  payload: string;
  key: string;
  sentBy: string;
  /** Channel-level members that differ between the fixed topics and the per-institution ones. */
  channel: JsonObject;
}

/** The dead-letter channel of a consumed topic, and the operation that sends to it. */
function addDeadLetterChannel(channels: JsonObject, operations: JsonObject, definition: EventDefinition, channelId: string, options: DeadLetterDocOptions): void {
  const deadLetterTopic = deadLetterTopicOf(definition.topic);
  const deadLetterChannelId = idOf(deadLetterTopic);
  channels[deadLetterChannelId] = {
    address: deadLetterTopic,
    title: deadLetterTopic,
    description: options.description,
    ...options.channel,
    messages: {
      deadLetter: {
        name: `${definition.type}.dead-letter`,
        title: `Dead letter of ${definition.topic}`,
        contentType: 'application/octet-stream',
        headers: { type: 'object', required: Object.keys(DEAD_LETTER_HEADER_DOCS), properties: DEAD_LETTER_HEADER_DOCS },
        payload: { description: options.payload },
        bindings: { kafka: { key: { type: 'string', description: options.key }, bindingVersion: '0.5.0' } },
      },
    },
    bindings: { kafka: { ...(options.channel.parameters ? {} : { topic: deadLetterTopic }), bindingVersion: '0.5.0' } },
  };
  operations[`deadLetter${capitalise(channelId)}`] = operationDoc('send', `Dead-letter ${definition.topic}`, options.sentBy, deadLetterChannelId, 'deadLetter');
}

/** The channels, operations and dead-letter channel of the per-institution topics. */
function institutionAsyncApi(channels: JsonObject, operations: JsonObject): void {
  for (const channel of institutionChannels()) {
    const { definition } = channel;
    const channelId = idOf(definition.topic);
    const messageId = idOf(definition.type);
    channels[channelId] = {
      address: definition.topic,
      title: definition.topic,
      description:
        `${definition.description}\n\nOne topic per paying institution; \`{institution}\` is its code in lower case. ` +
        'Kafka message key: the instructionId. Delivery is at least once in both directions: de-duplicate instructions on instructionId, ' +
        'results on instructionId + status. See docs/banks.md.',
      parameters: { [INSTITUTION_PARAMETER]: INSTITUTION_PARAMETER_DOC },
      messages: {
        [messageId]: messageDoc(definition, {
          correlation: 'Ties the answer to the instruction and the batch that caused it.',
          key: INSTITUTION_KEY_DOC,
          examples: channel.examples.map((example) => ({
            name: example.name,
            summary: example.summary,
            headers: { 'x-correlation-id': example.envelope.correlationId },
            payload: example.envelope,
          })),
        }),
      },
      bindings: { kafka: { bindingVersion: '0.5.0' } },
    };
    const verb = channel.action === 'send' ? 'Publish' : 'Receive';
    operations[`${channel.action}${capitalise(channelId)}`] = operationDoc(
      channel.action,
      `${verb} ${definition.type} v${definition.version}`,
      channel.action === 'send'
        ? 'AnSinh\'s payment service publishes instructions from its transactional outbox; the institution reads them.'
        : 'The institution publishes its answers; AnSinh\'s payment service verifies the signature and applies each answer once.',
      channelId,
      messageId,
    );
    if (channel.action !== 'receive') continue;

    // AnSinh consumes the results, so it dead-letters the ones it cannot apply; the institution may read them.
    addDeadLetterChannel(channels, operations, definition, channelId, {
      description:
        `Results AnSinh could not apply, copied unchanged from ${definition.topic} with headers saying why ` +
        '(not the contract, bad signature, unknown instruction, another institution\'s instruction). Read it to find your rejected answers.',
      payload: 'The original message value, byte for byte.',
      key: 'The key of the original message (its instructionId, the aggregateId), unchanged.',
      sentBy: 'Sent by AnSinh\'s payment service when a result is invalid, rejected, or fails every attempt.',
      channel: { parameters: { [INSTITUTION_PARAMETER]: INSTITUTION_PARAMETER_DOC } },
    });
  }
}

/**
 * The AsyncAPI 3.0.0 document of every topic and its dead-letter topic, as a plain object (the CLI
 * writes it as YAML). Payloads are the JSON Schemas of the envelopes in draft-07, the JSON Schema
 * format AsyncAPI tooling reads; they differ from the `.schema.json` files only in `$schema`.
 */
export function asyncApiDocument(): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};

  for (const definition of EVENT_CATALOGUE) {
    const channelId = idOf(definition.topic);
    const messageId = idOf(definition.type);
    channels[channelId] = {
      address: definition.topic,
      title: definition.topic,
      description: `${definition.description}\n\nKafka message key: the envelope's aggregateId, so all events of one aggregate stay in order within a partition. Consumers de-duplicate on eventId: delivery is at least once.`,
      messages: {
        [messageId]: messageDoc(definition, {
          correlation: 'Ties the event to the request or event that caused it.',
          key: { type: 'string', minLength: 1, maxLength: 128, description: 'The aggregateId of the envelope.' },
        }),
      },
      bindings: { kafka: { topic: definition.topic, bindingVersion: '0.5.0' } },
    };
    operations[`publish${capitalise(channelId)}`] = operationDoc(
      'send',
      `Publish ${definition.type} v${definition.version}`,
      'Published from the producing service\'s transactional outbox once its database transaction commits.',
      channelId,
      messageId,
    );
    addDeadLetterChannel(channels, operations, definition, channelId, {
      description:
        `Dead letters of ${definition.topic}: messages a consumer could not process, copied unchanged (same key, same value) ` +
        'with headers saying where they came from and why. A dead letter never blocks its partition.',
      payload: `The original message value, byte for byte: normally a ${definition.topic} envelope; with x-dlq-reason INVALID_MESSAGE it can be anything, even empty or not JSON.`,
      key: 'The key of the original message (its aggregateId), unchanged.',
      sentBy: 'Sent by a consuming service when a message is invalid, rejected, or fails every attempt.',
      channel: {},
    });
  }
  institutionAsyncApi(channels, operations);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'AnSinh events',
      version: '1.0.0',
      description:
        'Events of AnSinh, cashless social-welfare disbursement. Every event travels in one JSON envelope ' +
        '(eventId, type, version, occurredAt, producer, correlationId, causationId, aggregateId, payload). ' +
        'Topics are `<context>.<entity>.<event>.v<major>`: a breaking change gets a new topic, an added optional field does not. ' +
        'Payment instructions and their results travel on one pair of topics per paying institution, `bank.{institution}.instruction.*.v1`, ' +
        'signed with Ed25519 (docs/banks.md). ' +
        'Generated from the code by `npm run contracts:export`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
  };
}

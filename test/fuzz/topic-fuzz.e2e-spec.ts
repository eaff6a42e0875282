import { DEAD_LETTER_HEADERS, deadLetterTopicOf, EVENT_CATALOGUE, instructionReportedV1, PAYING_INSTITUTIONS, signPayload, type EventDefinition } from '@app/contracts';
import { parseConfig } from '@app/platform';
import fc from 'fast-check';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { notificationConfigSchema } from '../../apps/notification/src/config/notification.config';
import { NotificationAppModule } from '../../apps/notification/src/app.module';
import { paymentConfigSchema } from '../../apps/payment/src/config/payment.config';
import { PaymentAppModule } from '../../apps/payment/src/app.module';
import { freePort } from '../support/free-port';
import { registeredEvent } from '../support/registered-event';
import { ServiceProcess } from '../support/service-process';
import { TestConsumer } from '../support/test-consumer';
import { TEST_ENV, waitFor } from '../support/test-environment';
import { changedTables, snapshotSchema } from './database-snapshot';
import { consumerLag } from './fuzz-stack';
import { consumedTopics } from './route-table';

jest.setTimeout(240_000);

/**
 * Poison messages on every topic the payment and notification services consume: each must land in
 * `<topic>.dlq` with its reason, change no row, leave the service up, and not block its partition —
 * a valid event sent after them on the same partition is still applied.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CONSUMERS = ['payment', 'notification'] as const;
type Consumer = (typeof CONSUMERS)[number];

const topicsOf: Record<Consumer, string[]> = {
  payment: consumedTopics(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV }))),
  notification: consumedTopics(NotificationAppModule.forRoot(parseConfig(notificationConfigSchema, { ...TEST_ENV }))),
};

const RESULT_TOPICS = new Map(PAYING_INSTITUTIONS.map((institution) => [instructionReportedV1(institution.code).topic, institution.code]));
const definitionOf = (topic: string): EventDefinition => EVENT_CATALOGUE.find((definition) => definition.topic === topic) ?? instructionReportedV1(RESULT_TOPICS.get(topic)!);
const bankKey = createPrivateKey({ key: Buffer.from(TEST_ENV.BANK_STAND_IN_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });

interface Poison {
  kind: string;
  value: Buffer | null;
  expectedReason: 'INVALID_MESSAGE' | 'REJECTED';
}

function envelope(definition: EventDefinition, payload: unknown, overrides: Record<string, unknown> = {}) {
  const aggregateId = uuidv7();
  return { eventId: uuidv7(), type: definition.type, version: definition.version, occurredAt: new Date().toISOString(), producer: 'fuzz', correlationId: `fuzz-${aggregateId}`, causationId: null, aggregateId, payload, ...overrides };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const junk = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{', '{"eventId":', 'null', '[]', '"text"', '42', '\u0000\u0001', '<xml/>', "'; DROP TABLE payment.payee; --"));
const anything = fc.anything({ maxDepth: 2, maxKeys: 4, withNullPrototype: false });

/** One message of every kind of wrong for a topic, varied by a seeded generator. */
function poisonsFor(topic: string, seed: number): Poison[] {
  const definition = definitionOf(topic);
  const [text, payload, other] = fc.sample(fc.tuple(junk, anything, fc.constantFrom(...EVENT_CATALOGUE.filter((candidate) => candidate.type !== definition.type))), { seed, numRuns: 1 })[0];
  const poisons: Poison[] = [
    { kind: 'not JSON', value: Buffer.from(`${text}\u00ff not json`, 'utf8'), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'empty value', value: null, expectedReason: 'INVALID_MESSAGE' },
    { kind: 'JSON, not an envelope', value: json([payload, 'x']), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'envelope without eventId', value: json({ ...envelope(definition, payload), eventId: undefined }), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'another event type', value: json(envelope(other, {}, { type: other.type, version: other.version })), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'unknown major version', value: json(envelope(definition, {}, { version: definition.version + 1 })), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'payload against its schema', value: json(envelope(definition, typeof payload === 'object' && payload ? payload : { value: payload })), expectedReason: 'INVALID_MESSAGE' },
    { kind: 'huge (900 kB)', value: Buffer.from(`{"eventId":"${'9'.repeat(900_000)}"}`), expectedReason: 'INVALID_MESSAGE' },
  ];
  const institution = RESULT_TOPICS.get(topic);
  if (institution) {
    const result = (instructionId: string, institutionCode: string) =>
      signPayload(
        { instructionId, institutionCode, status: 'settled', reasonCode: null, reasonText: null, amountDong: '500000', bankReference: 'FT0001', reportedAt: new Date().toISOString(), signature: null },
        bankKey,
        'bank-test',
      );
    const otherInstitution = PAYING_INSTITUTIONS.find((candidate) => candidate.code !== institution)!.code;
    poisons.push(
      { kind: 'signed result for an unknown instruction', value: json(envelope(definition, result(uuidv7(), institution))), expectedReason: 'REJECTED' },
      { kind: 'result naming another institution', value: json(envelope(definition, result(uuidv7(), otherInstitution))), expectedReason: 'REJECTED' },
    );
  }
  return poisons;
}

let producer: Producer;
let admin: Admin;
let db: Client;
const services = {} as Record<Consumer, ServiceProcess>;
const figures: Record<string, number> = {};

beforeAll(async () => {
  db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  await db.connect();
  const kafka = new Kafka({ clientId: 'ansinh-topic-fuzz', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  producer = kafka.producer();
  admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  const closed = `http://127.0.0.1:${await freePort()}`;
  const env = { PAYOUT_RESULT_TIMEOUT_MS: '3600000', SMS_GATEWAY_URL: closed, ZALO_OA_URL: closed, SMTP_URL: closed.replace('http', 'smtp'), NOTICE_MAX_ATTEMPTS: '1', NOTICE_BACKOFF_MS: '100' };
  const [payment, notification] = await Promise.all(CONSUMERS.map(async (name) => ServiceProcess.start(name, await freePort(), env)));
  services.payment = payment;
  services.notification = notification;
});

afterAll(async () => {
  await Promise.all(Object.values(services).map((service) => service.stop()));
  await producer?.disconnect();
  await admin?.disconnect();
  await db?.end();
  process.stdout.write(`topic fuzz figures: ${JSON.stringify(figures)}\n`);
});

describe('topic fuzzing: poison messages go to the dead-letter topic and block nothing', () => {
  it('finds what each service consumes in its handlers', () => {
    expect(topicsOf.payment).toEqual(expect.arrayContaining(['beneficiary.beneficiary.registered.v1', 'beneficiary.account.verified.v1', instructionReportedV1('970436').topic, instructionReportedV1('VNPOST').topic]));
    expect(topicsOf.notification).toEqual(expect.arrayContaining(['beneficiary.beneficiary.registered.v1', 'payment.payout.settled.v1']));
  });

  it.each(CONSUMERS)('%s', async (service) => {
    const topics = topicsOf[service];
    const dlq = await TestConsumer.start(topics.map(deadLetterTopicOf));
    try {
      let sent = 0;
      let changed: string[] = [];
      for (let round = 0; round < 3; round += 1) {
        // the consumer has read what the shared broker already held (it starts from the beginning)
        await waitFor(async () => (await consumerLag(admin, service)) === 0, `${service} to catch up with its topics`, 60_000, 200);
        const before = await snapshotSchema(db, service);
        const expected: Array<{ topic: string; partition: number; offset: string; poison: Poison }> = [];
        for (const [index, topic] of topics.entries()) {
          // one key per topic: every poison of a topic lands on the same partition
          const key = `fuzz-${randomUUID()}`;
          for (const poison of poisonsFor(topic, SEED + index)) {
            const [metadata] = await producer.send({ topic, acks: -1, messages: [{ key, value: poison.value }] });
            expected.push({ topic, partition: metadata.partition, offset: metadata.baseOffset!, poison });
          }
        }
        sent = expected.length;
        for (const { topic, partition, offset, poison } of expected) {
          const dead = await dlq.waitFor(
            (message) =>
              message.headers[DEAD_LETTER_HEADERS.originalTopic] === topic &&
              message.headers[DEAD_LETTER_HEADERS.originalPartition] === String(partition) &&
              message.headers[DEAD_LETTER_HEADERS.originalOffset] === offset &&
              message.headers[DEAD_LETTER_HEADERS.consumer] === service,
            `${poison.kind} on ${topic} in the dead-letter topic`,
            60_000,
          );
          expect({ topic, kind: poison.kind, reason: dead.headers[DEAD_LETTER_HEADERS.reason] }).toEqual({ topic, kind: poison.kind, reason: poison.expectedReason });
          // dead-lettered unchanged, so an operator can replay it once fixed
          expect(Buffer.from(dead.value ?? []).equals(poison.value ?? Buffer.alloc(0))).toBe(true);
        }
        changed = changedTables(before, await snapshotSchema(db, service));
        // a real event from another test run on the shared broker changes the inbox: measure again
        if (!changed.includes('inbox_event')) break;
      }
      expect(changed).toEqual([]);
      expect((await fetch(`${services[service].url}/health/live`)).status).toBe(200);
      figures[`${service}.topics`] = topics.length;
      figures[`${service}.poisonMessages`] = sent;

      // a valid event after the poisons, on a partition that carried them, is still applied
      const valid = registeredEvent({ provinceCode: '42', communeCode: '18073' });
      for (const poison of poisonsFor('beneficiary.beneficiary.registered.v1', SEED)) {
        await producer.send({ topic: 'beneficiary.beneficiary.registered.v1', acks: -1, messages: [{ key: valid.aggregateId, value: poison.value }] });
      }
      await producer.send({ topic: 'beneficiary.beneficiary.registered.v1', acks: -1, messages: [{ key: valid.aggregateId, value: json(valid) }] });
      const table = service === 'payment' ? 'payment.payee' : 'notification.recipient';
      await waitFor(async () => (await db.query(`SELECT 1 FROM ${table} WHERE beneficiary_id = $1`, [valid.aggregateId])).rows.length === 1, `the valid registration in ${table}`, 60_000);
    } finally {
      await dlq.stop();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { beneficiaryRegisteredV1, DEAD_LETTER_HEADERS, deadLetterTopicOf } from '@app/contracts';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { newBeneficiary, type BeneficiaryInput } from '../support/beneficiary-factory';
import { ServiceProcess } from '../support/service-process';
import { TestConsumer } from '../support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../support/test-environment';

jest.setTimeout(180_000);

const TOPIC = beneficiaryRegisteredV1.topic;
const officerToken = tokenFor(PRINCIPALS.haTinhOfficer);

async function register(service: ServiceProcess, input: BeneficiaryInput, correlationId: string): Promise<string> {
  const response = await fetch(`${service.url}/beneficiaries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${officerToken}`, 'content-type': 'application/json', 'x-correlation-id': correlationId },
    body: JSON.stringify(input),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

async function count(db: Client, sql: string, values: unknown[]): Promise<number> {
  const { rows } = await db.query(sql, values);
  return Number(rows[0].count);
}

describe('events cross services through the outbox, Kafka and the inbox', () => {
  const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
  let producer: Producer;
  const running: ServiceProcess[] = [];
  const start = async (...args: Parameters<typeof ServiceProcess.start>) => {
    const service = await ServiceProcess.start(...args);
    running.push(service);
    return service;
  };

  beforeAll(async () => {
    await db.connect();
    const kafka = new Kafka({ clientId: 'system-test', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await producer.disconnect();
    await db.end();
  });

  it('delivers every registration exactly once although the consumer is killed mid-stream', async () => {
    const total = 600;
    const programmeCode = `SYS_${Date.now()}`;
    const correlationId = `kill-test-${randomUUID()}`;
    const beneficiary = await start('beneficiary', 3101);
    await start('notification', 3103);

    // Registrations pile up in Kafka while payment is down.
    const ids: string[] = [];
    const inputs = Array.from({ length: total }, (_, index) => newBeneficiary({ programmeCode }, 10_000 + index));
    for (let index = 0; index < inputs.length; index += 20) {
      ids.push(...(await Promise.all(inputs.slice(index, index + 20).map((input) => register(beneficiary, input, correlationId)))));
    }
    await waitFor(
      async () => (await count(db, `SELECT count(*) FROM beneficiary.outbox_event WHERE published_at IS NULL`, [])) === 0,
      'the outbox to drain',
    );

    const payees = () => count(db, `SELECT count(*) FROM payment.payee WHERE programme_code = $1`, [programmeCode]);
    const firstRun = await start('payment', 3102);
    await waitFor(async () => (await payees()) >= total / 10, 'payment to consume part of the stream');
    await firstRun.kill();
    const atKill = await payees();
    // The crash really happened mid-stream: otherwise this test would prove nothing.
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(total);

    await start('payment', 3102);
    await waitFor(async () => (await payees()) === total, `all ${total} payees after the restart`, 90_000);

    const { rows: payeeRows } = await db.query(`SELECT beneficiary_id FROM payment.payee WHERE programme_code = $1`, [programmeCode]);
    expect(payeeRows.map((row: { beneficiary_id: string }) => row.beneficiary_id).sort()).toEqual([...ids].sort());
    // Exactly one inbox row per event; redelivered events after the crash changed nothing.
    const { rows: inbox } = await db.query(
      `SELECT i.event_id, i.correlation_id FROM payment.inbox_event i JOIN payment.payee p ON p.source_event_id = i.event_id
        WHERE p.programme_code = $1`,
      [programmeCode],
    );
    expect(inbox).toHaveLength(total);
    expect(new Set(inbox.map((row) => row.event_id)).size).toBe(total);
    // The officer's correlation id travelled HTTP → outbox → Kafka → the consumer's transaction.
    expect(new Set(inbox.map((row) => row.correlation_id))).toEqual(new Set([correlationId]));
    // The notification service, another consumer group, received each registration exactly once too.
    const recipients = `SELECT count(*) FROM notification.recipient r JOIN beneficiary.beneficiary b ON b.id = r.beneficiary_id WHERE b.programme_code = $1`;
    await waitFor(async () => (await count(db, recipients, [programmeCode])) === total, 'notification recipients', 60_000);
  });

  it('dead-letters malformed and unprocessable messages with the reason, then processes the next valid one', async () => {
    if (!running.some((service) => service.name === 'payment')) await start('payment', 3102);
    const deadLetters = await TestConsumer.start([deadLetterTopicOf(TOPIC)]);
    try {
      const marker = randomUUID();
      const valid = (beneficiaryId: string) => ({
        eventId: uuidv7(),
        type: beneficiaryRegisteredV1.type,
        version: 1,
        occurredAt: new Date().toISOString(),
        producer: 'system-test',
        correlationId: marker,
        causationId: null,
        aggregateId: beneficiaryId,
        payload: {
          beneficiaryId,
          cccd: '042148001234',
          fullName: 'Trần Thị Lan',
          dateOfBirth: '1948-05-02',
          gender: 'female',
          phone: null,
          provinceCode: '42',
          communeCode: '18073',
          legacyDistrictCode: null,
          programmeCode: 'DLQ_TEST',
          categoryCode: 'NCT_80',
          status: 'active',
          registeredAt: new Date().toISOString(),
        },
      });
      const alreadyKnown = uuidv7();
      const first = valid(alreadyKnown);
      const sameBeneficiaryNewEvent = { ...valid(alreadyKnown), eventId: uuidv7() };
      const badCccd = valid(uuidv7());
      badCccd.payload.cccd = '42148001234';
      const afterwards = valid(uuidv7());
      const notJson = Buffer.from(`not json ${marker}`);

      // All on one key, hence one partition: the later messages wait behind the bad ones unless the
      // consumer moves past them.
      const key = `dlq-${marker}`;
      await producer.send({
        topic: TOPIC,
        messages: [
          { key, value: JSON.stringify(first) },
          { key, value: notJson },
          { key, value: JSON.stringify(badCccd) },
          { key, value: JSON.stringify(sameBeneficiaryNewEvent) },
          { key, value: JSON.stringify(afterwards) },
        ],
      });

      await waitFor(
        async () => (await count(db, `SELECT count(*) FROM payment.payee WHERE beneficiary_id = $1`, [afterwards.payload.beneficiaryId])) === 1,
        'the valid message after the bad ones to be processed',
      );

      const forKey = (reason: string) => (message: { key: string | null; headers: Record<string, string> }) =>
        message.key === key && message.headers[DEAD_LETTER_HEADERS.reason] === reason;
      const garbage = await deadLetters.waitFor((message) => forKey('INVALID_MESSAGE')(message) && message.value?.toString() === notJson.toString(), 'the non-JSON dead letter');
      expect(garbage.headers[DEAD_LETTER_HEADERS.detail]).toBe('value is not JSON');
      expect(garbage.headers[DEAD_LETTER_HEADERS.originalTopic]).toBe(TOPIC);
      expect(Number(garbage.headers[DEAD_LETTER_HEADERS.originalOffset])).toBeGreaterThanOrEqual(0);

      const invalid = await deadLetters.waitFor(
        (message) => forKey('INVALID_MESSAGE')(message) && message.value?.toString().includes(badCccd.eventId) === true,
        'the invalid-CCCD dead letter',
      );
      expect(invalid.headers[DEAD_LETTER_HEADERS.detail]).toContain('payload.cccd');

      // A well-formed event the consumer cannot apply (its beneficiary exists) is retried a bounded
      // number of times, then dead-lettered.
      const failed = await deadLetters.waitFor(
        (message) => forKey('PROCESSING_FAILED')(message) && message.value?.toString().includes(sameBeneficiaryNewEvent.eventId) === true,
        'the unprocessable dead letter',
      );
      expect(failed.headers[DEAD_LETTER_HEADERS.attempts]).toBe(TEST_ENV.KAFKA_CONSUMER_MAX_ATTEMPTS);

      // Nothing from the rejected messages reached the database.
      expect(await count(db, `SELECT count(*) FROM payment.payee WHERE beneficiary_id = $1`, [badCccd.payload.beneficiaryId])).toBe(0);
      expect(await count(db, `SELECT count(*) FROM payment.inbox_event WHERE event_id = ANY($1::uuid[])`, [[badCccd.eventId, sameBeneficiaryNewEvent.eventId]])).toBe(0);
      expect(await count(db, `SELECT count(*) FROM payment.payee WHERE beneficiary_id = $1 AND source_event_id = $2`, [alreadyKnown, first.eventId])).toBe(1);
    } finally {
      await deadLetters.stop();
    }
  });

  it('refuses to start with a broken configuration and names every bad variable', async () => {
    const broken = ServiceProcess.spawn('payment', 3199, { KAFKA_BROKERS: '', DATABASE_URL: 'mysql://127.0.0.1/x', JWT_SECRET: 'short' });
    expect(await broken.exitCode()).toBe(1);
    expect(broken.output).toContain('refusing to start');
    for (const variable of ['KAFKA_BROKERS: is required', 'DATABASE_URL: must be a postgres:// URL', 'JWT_SECRET: must be at least 32 characters']) {
      expect(broken.output).toContain(variable);
    }
  });
});

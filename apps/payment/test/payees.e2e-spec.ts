import { beneficiaryCeasedV1, beneficiaryRegisteredV1, beneficiaryReinstatedV1, beneficiarySuspendedV1, type EventDefinition } from '@app/contracts';
import { v7 as uuidv7 } from 'uuid';
import { KafkaService, parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { registeredEvent } from '../../../test/support/registered-event';
import { startTestApp } from '../../../test/support/test-app';
import { TEST_ENV, waitFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(60_000);

describe('payment service consuming registrations (real Kafka consumer group, real PostgreSQL)', () => {
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    const config = parseConfig(paymentConfigSchema, { ...TEST_ENV });
    app = await startTestApp(PaymentAppModule.forRoot(config), { config, groupId: 'payment' });
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const publishOnOneKey = async (key: string, ...values: string[]) => {
    const producer = await app.get(KafkaService).producer();
    await producer.send({ topic: beneficiaryRegisteredV1.topic, messages: values.map((value) => ({ key, value })) });
  };

  it('applies an event delivered twice exactly once, recognising the copy as a duplicate', async () => {
    const event = registeredEvent();
    const marker = registeredEvent({ provinceCode: event.payload.provinceCode });
    // The same bytes twice (a producer retry), then a marker. One key means one partition, so once the
    // marker is applied both copies have been through the consumer.
    await publishOnOneKey(event.aggregateId, JSON.stringify(event), JSON.stringify(event), JSON.stringify(marker));
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.payee WHERE beneficiary_id = $1`, [marker.payload.beneficiaryId])).length === 1, 'the marker event');

    const payees = await db.query(`SELECT cccd, programme_code, status, source_event_id FROM payment.payee WHERE beneficiary_id = $1`, [event.payload.beneficiaryId]);
    expect(payees).toEqual([{ cccd: event.payload.cccd, programme_code: 'TC_XH', status: 'pending_verification', source_event_id: event.eventId }]);
    // The copy was recognised by the inbox as a redelivery (not rescued by the payee key and dead-lettered).
    const inbox = await db.query(`SELECT consumer, correlation_id, redeliveries FROM payment.inbox_event WHERE event_id = $1`, [event.eventId]);
    expect(inbox).toEqual([{ consumer: 'payment', correlation_id: event.correlationId, redeliveries: 1 }]);
  });

  const statusEvent = (definition: EventDefinition, beneficiaryId: string, changedAt: string, extra: object = {}) =>
    definition.envelope.parse({
      eventId: uuidv7(),
      type: definition.type,
      version: 1,
      occurredAt: changedAt,
      producer: 'test',
      correlationId: `test-${beneficiaryId}`,
      causationId: null,
      aggregateId: beneficiaryId,
      payload: { beneficiaryId, programmeCode: 'TC_XH', provinceCode: '42', communeCode: '18073', reasonCode: 'UNDER_REVIEW', changedBy: 'test', changedAt, ...extra },
    });
  const publish = async (topic: string, key: string, value: object) => {
    const producer = await app.get(KafkaService).producer();
    await producer.send({ topic, messages: [{ key, value: JSON.stringify(value) }] });
  };
  const payee = async (id: string) =>
    (await db.query(`SELECT status, cease_reason, payments_stop_from::text FROM payment.payee WHERE beneficiary_id = $1`, [id]))[0] as
      | { status: string; cease_reason: string | null; payments_stop_from: string | null }
      | undefined;

  it('applies a cease that arrives before the registration it follows', async () => {
    const registered = registeredEvent();
    const id = registered.payload.beneficiaryId;
    const ceased = statusEvent(beneficiaryCeasedV1, id, new Date(Date.now() + 1_000).toISOString(), {
      reasonCode: 'DECEASED', effectiveDate: '2026-11-20', paymentsStopFrom: '2026-12-01', opensFuneralSupport: true,
    });
    await publish(beneficiaryCeasedV1.topic, id, ceased);
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.payee_status_change WHERE event_id = $1`, [ceased.eventId])).length === 1, 'the early cease');
    await publish(beneficiaryRegisteredV1.topic, id, registered);
    await waitFor(async () => (await payee(id)) !== undefined, 'the registration');
    expect(await payee(id)).toEqual({ status: 'ceased', cease_reason: 'DECEASED', payments_stop_from: '2026-12-01' });
  });

  it('keeps the newest status when an older one arrives late', async () => {
    const registered = registeredEvent();
    const id = registered.payload.beneficiaryId;
    await publish(beneficiaryRegisteredV1.topic, id, registered);
    const suspendedAt = new Date(Date.now() + 1_000).toISOString();
    const reinstatedAt = new Date(Date.now() + 2_000).toISOString();
    const reinstated = statusEvent(beneficiaryReinstatedV1, id, reinstatedAt, { reasonCode: 'REVIEW_CLEARED' });
    const suspended = statusEvent(beneficiarySuspendedV1, id, suspendedAt);
    await publish(beneficiaryReinstatedV1.topic, id, reinstated);
    await waitFor(async () => (await payee(id))?.status === 'active' && (await db.query(`SELECT 1 FROM payment.payee_status_change WHERE event_id = $1`, [reinstated.eventId])).length === 1, 'the reinstatement');
    await publish(beneficiarySuspendedV1.topic, id, suspended);
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.payee_status_change WHERE event_id = $1`, [suspended.eventId])).length === 1, 'the late suspension');
    expect((await payee(id))?.status).toBe('active');
  });

  it('is ready only with its database, Redis and Kafka', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(Object.keys(response.body.details).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });

  it('answers an unknown route with a coded error, and liveness without a token', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const response = await request(app.getHttpServer()).get('/payees').expect(404);
    expect(response.body.code).toBe('REQUEST.NOT_FOUND');
  });
});

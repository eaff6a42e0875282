import { MessagingRetentionService, parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { startTestApp } from '../../../test/support/test-app';
import { TEST_ENV } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(60_000);

/** The pruning as the running service has it: its schema, its migrations' indexes, its configured retention. */
describe('messaging retention in the payment service (real PostgreSQL)', () => {
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await startTestApp(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV, MESSAGING_RETENTION_DAYS: '30' })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('deletes published outbox rows and inbox ids older than 30 days and keeps newer ones', async () => {
    const publishedRow = async (ageDays: number) => {
      const eventId = uuidv7();
      await db.query(
        `INSERT INTO payment.outbox_event (event_id, topic, message_key, envelope, created_at, published_at)
         VALUES ($1::uuid, 'retention.probe.written.v1', $1::text, '{}', now() - make_interval(days => $2), now() - make_interval(days => $2))`,
        [eventId, ageDays],
      );
      await db.query(
        `INSERT INTO payment.inbox_event (consumer, event_id, topic, kafka_partition, kafka_offset, correlation_id, processed_at)
         VALUES ('retention-probe', $1, 'retention.probe.written.v1', 0, 0, 'probe', now() - make_interval(days => $2))`,
        [eventId, ageDays],
      );
      return eventId;
    };
    // published rows only: an unpublished one would go to the broker (that it is kept is in messaging-retention.spec.ts)
    const old = await publishedRow(31);
    const recent = await publishedRow(29);

    const counts = await app.get(MessagingRetentionService).prune(new Date());

    const left = async (table: 'outbox_event' | 'inbox_event') =>
      (await db.query(`SELECT event_id FROM payment.${table} WHERE event_id = ANY($1::uuid[]) ORDER BY event_id`, [[old, recent]])).map(
        (each: { event_id: string }) => each.event_id,
      );
    expect(await left('outbox_event')).toEqual([recent]);
    expect(await left('inbox_event')).toEqual([recent]);
    expect(counts.outbox).toBeGreaterThanOrEqual(1);
    expect(counts.inbox).toBeGreaterThanOrEqual(1);
  });
});

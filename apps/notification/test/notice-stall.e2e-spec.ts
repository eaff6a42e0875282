import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beneficiaryRegisteredV1 } from '@app/contracts';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { ServiceProcess } from '../../../test/support/service-process';
import { ADMIN_DATABASE_URL, TEST_ENV, waitFor } from '../../../test/support/test-environment';
import { NOTICE_TOPICS } from '../src/notices/notice-policy';
import { PAYOUT_EVENTS_GROUP, PAYOUT_TOPICS } from '../src/notices/payout-events.consumer';
import { MessagingStandIn, startGroupAtEnd, uniquePhone } from './notice-fixtures';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../../..');
const STAND_IN_PORT = 4150;
const SMTP_PORT = 4151;
const SERVICE_PORT = 3150;
const PROVIDER_LATENCY_MS = 4_000;

/**
 * The notification service as a real process, killed (SIGKILL: no shutdown hooks) while the SMS gateway
 * is still answering one of its notices. This suite has a database, queue prefix and consumer group of
 * its own, so the in-process suite running beside it never picks up its work.
 */
describe('a worker killed in the middle of sending', () => {
  const database = `${new URL(TEST_ENV.DATABASE_URL).pathname.slice(1)}_stall`;
  const databaseUrl = Object.assign(new URL(TEST_ENV.DATABASE_URL), { pathname: `/${database}` }).toString();
  const env = {
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `${TEST_ENV.QUEUE_PREFIX}-stall`,
    KAFKA_CONSUMER_GROUP_SUFFIX: `${TEST_ENV.KAFKA_CONSUMER_GROUP_SUFFIX}-stall`,
    SMS_GATEWAY_URL: `http://127.0.0.1:${STAND_IN_PORT}`,
    ZALO_OA_URL: `http://127.0.0.1:${STAND_IN_PORT}`,
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    PROVIDER_TIMEOUT_MS: '6000',
    NOTICE_LOCK_DURATION_MS: '1000',
    NOTICE_MAX_ATTEMPTS: '4',
    NOTICE_BACKOFF_MS: '100',
    NOTICE_SWEEP_INTERVAL_MS: '200',
    NOTICE_STALL_AFTER_MS: '7000',
  };
  const db = new Client({ connectionString: databaseUrl });
  let providers: ServiceProcess;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/notification/apps/notification/src/migrate.js')], {
      env: { PATH: process.env.PATH ?? '', ...TEST_ENV, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await db.connect();
    await startGroupAtEnd(`notification${env.KAFKA_CONSUMER_GROUP_SUFFIX}`, [beneficiaryRegisteredV1.topic, ...NOTICE_TOPICS]);
    await startGroupAtEnd(`${PAYOUT_EVENTS_GROUP}${env.KAFKA_CONSUMER_GROUP_SUFFIX}`, [...PAYOUT_TOPICS.keys()]);
    providers = await ServiceProcess.start('messaging-providers-stand-in', STAND_IN_PORT, { SMTP_PORT: String(SMTP_PORT) });
  });

  afterAll(async () => {
    await service?.stop();
    await providers?.stop();
    await db.end();
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('sends the notice once: the job runs again after the stall, and the gateway recognises the repeat', async () => {
    const standIn = new MessagingStandIn(providers.url);
    await standIn.control({ channel: 'sms', latencyMs: PROVIDER_LATENCY_MS });
    service = await ServiceProcess.start('notification', SERVICE_PORT, env);

    // A notice committed but never queued (the service died right after the commit): the sweeper finds it.
    const beneficiaryId = uuidv7();
    const phone = uniquePhone();
    const [requestId, noticeId, sourceEventId] = [uuidv7(), uuidv7(), uuidv7()];
    await db.query(
      `INSERT INTO notification.recipient (beneficiary_id, full_name, phone, province_code, commune_code, source_event_id) VALUES ($1, 'Nguyễn Thị Đào', $2, '42', '18073', $3)`,
      [beneficiaryId, phone, uuidv7()],
    );
    await db.query(
      `INSERT INTO notification.notice_request (id, source_event_id, source_topic, beneficiary_id, template, variables, status, channel_plan)
       VALUES ($1, $2, 'payment.payout.sent.v1', $3, 'payout-held', '{}', 'in_progress', '{sms}')`,
      [requestId, sourceEventId, beneficiaryId],
    );
    const text = 'Tiền trợ cấp tháng 11/2026, số tiền 750.000\u00a0₫, đang được tạm giữ để cán bộ xem xét. Cán bộ UBND xã sẽ liên hệ với ông/bà hoặc gia đình.';
    await db.query(
      `INSERT INTO notification.notice (id, request_id, source_event_id, beneficiary_id, channel, address, body, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'sms', $5, $6, 'queued', now() - interval '1 hour', now() - interval '1 hour')`,
      [noticeId, requestId, sourceEventId, beneficiaryId, phone, text],
    );

    // The gateway has the message and is still answering: the worker dies now, before it hears back.
    await waitFor(async () => (await standIn.messages({ to: phone })).length === 1, 'the gateway to receive the notice', 30_000);
    await service.kill();
    const [inFlight] = (await db.query(`SELECT status, attempt_count FROM notification.notice WHERE id = $1`, [noticeId])).rows;
    expect(inFlight).toEqual({ status: 'sending', attempt_count: 1 });

    service = await ServiceProcess.start('notification', SERVICE_PORT, env);
    await waitFor(async () => (await db.query(`SELECT 1 FROM notification.notice WHERE id = $1 AND status = 'sent'`, [noticeId])).rowCount === 1, 'the notice to be sent', 60_000);

    const messages = await standIn.messages({ to: phone });
    expect(messages).toEqual([expect.objectContaining({ text, clientReference: noticeId })]);
    expect(messages[0].requests).toBeGreaterThanOrEqual(2);
    const { rows: attempts } = await db.query(`SELECT outcome, provider_status FROM notification.notice_delivery_attempt WHERE notice_id = $1 ORDER BY id`, [noticeId]);
    // the killed attempt left no row (its answer never came back); the repeat was accepted as the same message
    expect(attempts).toEqual([{ outcome: 'accepted', provider_status: '200' }]);
    const { rows: requests } = await db.query(`SELECT status FROM notification.notice_request WHERE id = $1`, [requestId]);
    expect(requests).toEqual([{ status: 'delivered' }]);
  });
});

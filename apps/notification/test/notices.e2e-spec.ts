import {
  accountChangedV1,
  accountLinkedV1,
  accountRejectedV1,
  accountVerifiedV1,
  beneficiaryCeasedV1,
  beneficiaryRegisteredV1,
  DEAD_LETTER_HEADERS,
  deadLetterTopicOf,
  payoutCancelledV1,
  payoutFailedV1,
  payoutHeldV1,
  payoutSentV1,
  payoutSettledV1,
  type EventDefinition,
} from '@app/contracts';
import { KafkaService, parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { ServiceProcess } from '../../../test/support/service-process';
import { startTestApp } from '../../../test/support/test-app';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { NotificationAppModule } from '../src/app.module';
import { notificationConfigSchema } from '../src/config/notification.config';
import { NOTICE_TOPICS } from '../src/notices/notice-policy';
import { PAYOUT_EVENTS_GROUP, PAYOUT_TOPICS } from '../src/notices/payout-events.consumer';
import { envelope, MessagingStandIn, payoutSent, registration, startGroupAtEnd, uniquePhone, type StandInMessage } from './notice-fixtures';

jest.setTimeout(120_000);

const STAND_IN_PORT = 4140;
const SMTP_PORT = 4141;
const NBSP = '\u00a0';
const EMAIL_FOOTER =
  '\n\n--\nThư này được gửi tự động từ hệ thống chi trả an sinh xã hội AnSinh, vui lòng không trả lời. Mọi thắc mắc xin liên hệ UBND xã nơi ông/bà cư trú.';
const SENT_750K = `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, đã được chuyển vào tài khoản Vietcombank ****3456.`;
const MAX_ATTEMPTS = 4;

const bearer = (principal: Principal) => `Bearer ${tokenFor(principal)}`;
const officer = bearer(PRINCIPALS.haTinhOfficer);
const at = '2026-11-20T03:00:00Z';

describe('notices from events to the providers (real Kafka, PostgreSQL, Redis; provider stand-ins as a real process)', () => {
  let app: INestApplication;
  let db: DataSource;
  let providers: ServiceProcess;
  let standIn: MessagingStandIn;

  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    providers = await ServiceProcess.start('messaging-providers-stand-in', STAND_IN_PORT, { SMTP_PORT: String(SMTP_PORT) });
    standIn = new MessagingStandIn(providers.url);
    const config = parseConfig(notificationConfigSchema, {
      ...TEST_ENV,
      SMS_GATEWAY_URL: providers.url,
      ZALO_OA_URL: providers.url,
      SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
      NOTICE_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      NOTICE_BACKOFF_MS: '100',
      NOTICE_SWEEP_INTERVAL_MS: '300',
      NOTICE_STALL_AFTER_MS: '5000',
      PROVIDER_TIMEOUT_MS: '2000',
      SMS_RATE_PER_SECOND: '500',
    });
    await startGroupAtEnd(`notification${config.KAFKA_CONSUMER_GROUP_SUFFIX}`, [beneficiaryRegisteredV1.topic, ...NOTICE_TOPICS]);
    await startGroupAtEnd(`${PAYOUT_EVENTS_GROUP}${config.KAFKA_CONSUMER_GROUP_SUFFIX}`, [...PAYOUT_TOPICS.keys()]);
    app = await startTestApp(NotificationAppModule.forRoot(config), { config, groupId: 'notification' });
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await providers?.stop();
  });

  afterEach(async () => {
    await standIn.reset();
  });

  const publish = async (definition: EventDefinition, key: string, ...values: object[]) => {
    const producer = await app.get(KafkaService).producer();
    await producer.send({ topic: definition.topic, messages: values.map((value) => ({ key, value: JSON.stringify(value) })) });
  };

  const event = <TDefinition extends EventDefinition>(definition: TDefinition, key: string, payload: Parameters<typeof envelope<TDefinition>>[2]) => envelope(definition, key, payload);

  const register = async (phone: string | null = uniquePhone()) => {
    const registered = registration({ phone });
    await publish(beneficiaryRegisteredV1, registered.aggregateId, registered);
    await waitFor(async () => (await db.query(`SELECT 1 FROM notification.recipient WHERE beneficiary_id = $1`, [registered.aggregateId])).length === 1, 'the registration');
    return { id: registered.payload.beneficiaryId, phone: phone ?? '' };
  };

  const sendPayout = async (beneficiaryId: string, overrides: Parameters<typeof payoutSent>[1] = {}) => {
    const sent = event(payoutSentV1, beneficiaryId, payoutSent(beneficiaryId, overrides));
    await publish(payoutSentV1, sent.payload.entitlementId, sent);
    return sent;
  };

  const messagesTo = (to: string, count: number, channel?: string) =>
    waitFor(async () => {
      const messages = await standIn.messages({ to, channel });
      return messages.length >= count ? messages : undefined;
    }, `${count} message(s) to ${to}`);

  const deliveries = (sourceEventId: string): Promise<Array<{ channel: string; status: string; outcomes: string[]; codes: Array<string | null> }>> =>
    db.query(
      `SELECT n.channel, n.status,
              coalesce(array_agg(a.outcome ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS outcomes,
              coalesce(array_agg(a.provider_code ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS codes
         FROM notification.notice n LEFT JOIN notification.notice_delivery_attempt a ON a.notice_id = n.id
        WHERE n.source_event_id = $1
        GROUP BY n.id ORDER BY n.created_at`,
      [sourceEventId],
    );

  const requestStatus = async (sourceEventId: string): Promise<string | undefined> =>
    (await db.query(`SELECT status FROM notification.notice_request WHERE source_event_id = $1`, [sourceEventId]))[0]?.status;

  const recordPreferences = (beneficiaryId: string, body: object, authorization = officer) =>
    http().put(`/recipients/${beneficiaryId}/contact-preferences`).set('authorization', authorization).send(body);

  it('sends a payout notice by SMS, in exact Vietnamese, and records what the provider answered', async () => {
    const beneficiary = await register();
    const sent = await sendPayout(beneficiary.id);

    const [message] = await messagesTo(beneficiary.phone, 1);
    expect(message).toMatchObject({ channel: 'sms', to: beneficiary.phone, subject: null, text: SENT_750K, requests: 1 });
    await waitFor(async () => (await requestStatus(sent.eventId)) === 'delivered', 'the request to be delivered');
    expect(await deliveries(sent.eventId)).toEqual([{ channel: 'sms', status: 'sent', outcomes: ['accepted'], codes: ['ACCEPTED'] }]);
  });

  it('turns each kind of event into its notice, and stays silent on a technical retry', async () => {
    const beneficiary = await register();
    const id = beneficiary.id;
    const agribank = { channel: 'bank' as const, bankBin: '970405', providerCode: null, accountNumberMasked: '****1234' };
    const account = { accountId: uuidv7(), beneficiaryId: id, priority: 1, ...agribank };
    const payout = payoutSent(id);
    const { cashCollection: _cash, sentAt: _sentAt, ...payoutFields } = payout;
    // held and cancelled carry the money, not the attempt
    const { instructionId: _i, attemptNumber: _n, channel: _c, institutionCode: _in, accountNumberMasked: _m, ...moneyFields } = payoutFields;
    const retry = event(payoutFailedV1, id, { ...payoutFields, entitlementId: uuidv7(), reasonCode: 'TECH', nextAction: 'retry', failedAt: at });
    const events = [
      event(accountLinkedV1, id, { ...account, status: 'pending_verification', consent: { method: 'paper_form', recordedBy: 'can.bo', at }, linkedBy: 'can.bo', linkedAt: at }),
      event(accountVerifiedV1, id, { ...account, verification: { method: 'name_enquiry', nameMatch: 'exact' }, verifiedBy: 'system', verifiedAt: at, payableFrom: '2026-11-30T18:00:00Z' }),
      event(accountRejectedV1, id, {
        ...account,
        accountId: uuidv7(),
        channel: 'ewallet',
        bankBin: null,
        providerCode: 'MOMO',
        accountNumberMasked: '****5678',
        reasonCode: 'NAME_MISMATCH',
        verification: { method: 'name_enquiry', nameMatch: 'mismatch' },
        rejectedBy: 'lanh.dao',
        rejectedAt: at,
      }),
      event(accountChangedV1, id, {
        ...account,
        accountId: uuidv7(),
        bankBin: '970436',
        accountNumberMasked: '****3456',
        status: 'verified',
        previous: { accountId: account.accountId, ...agribank },
        payableFrom: '2026-11-30T18:00:00Z',
        changedBy: 'can.bo',
        changedAt: at,
        approvedBy: 'lanh.dao',
        approvedAt: at,
      }),
      event(payoutSentV1, id, {
        ...payout,
        entitlementId: uuidv7(),
        channel: 'cash',
        institutionCode: 'VNPOST',
        accountNumberMasked: null,
        cashCollection: { place: 'Bưu điện xã Thạch Hà', availableFrom: '2026-11-05', availableUntil: '2026-12-05' },
      }),
      event(payoutSettledV1, id, { ...payoutFields, entitlementId: uuidv7(), kind: 'arrears', period: '2026-07', amountDong: '1500000', bankReference: 'FT2611050001', settledAt: at }),
      event(payoutFailedV1, id, { ...payoutFields, entitlementId: uuidv7(), reasonCode: 'AC01', nextAction: 'next_channel', failedAt: at }),
      retry,
      event(payoutHeldV1, id, { ...moneyFields, entitlementId: uuidv7(), kind: 'funeral', amountDong: '7200000', reasonCode: 'MD07', heldAt: at }),
      event(payoutCancelledV1, id, { ...moneyFields, entitlementId: uuidv7(), period: '2026-12', reasonCode: 'BENEFICIARY_CEASED', cancelledBy: 'system', cancelledAt: at }),
      event(beneficiaryCeasedV1, id, {
        beneficiaryId: id,
        programmeCode: 'TC_XH',
        provinceCode: '42',
        communeCode: '18073',
        reasonCode: 'DECEASED',
        changedBy: 'system:population-registry',
        changedAt: at,
        effectiveDate: '2026-11-20',
        paymentsStopFrom: '2026-12-01',
        opensFuneralSupport: true,
      }),
    ];
    const definitions = [accountLinkedV1, accountVerifiedV1, accountRejectedV1, accountChangedV1, payoutSentV1, payoutSettledV1, payoutFailedV1, payoutFailedV1, payoutHeldV1, payoutCancelledV1, beneficiaryCeasedV1];
    for (const [index, published] of events.entries()) await publish(definitions[index], published.aggregateId, published);

    const messages = await messagesTo(beneficiary.phone, 10);
    expect(messages.map((message) => message.text).sort()).toEqual(
      [
        'Tài khoản Agribank ****1234 đã được liên kết để nhận tiền trợ cấp của ông/bà. Tài khoản chỉ được dùng để chi trả sau khi được xác minh. Nếu ông/bà không đề nghị liên kết tài khoản này, hãy báo ngay cho UBND xã.',
        'Tài khoản Agribank ****1234 đã được xác minh và sẽ được dùng để nhận tiền trợ cấp từ ngày 01/12/2026.',
        'Tài khoản ví MoMo ****5678 không được dùng để nhận tiền trợ cấp: tên chủ tài khoản không khớp với tên người hưởng. Tiền trợ cấp vẫn được chi trả qua tài khoản khác đã đăng ký hoặc bằng tiền mặt tại bưu điện. Ông/bà có thể liên hệ UBND xã để đăng ký tài khoản khác.',
        'Việc đổi tài khoản nhận tiền trợ cấp từ Agribank ****1234 sang Vietcombank ****3456 đã được phê duyệt, áp dụng từ ngày 01/12/2026. Nếu ông/bà không đề nghị thay đổi này, hãy báo ngay cho UBND xã.',
        `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, được chi trả bằng tiền mặt tại Bưu điện xã Thạch Hà từ ngày 05/11/2026 đến hết ngày 05/12/2026. Khi đến nhận, ông/bà mang theo thẻ căn cước.`,
        `Tiền truy lĩnh trợ cấp tháng 07/2026, số tiền 1.500.000${NBSP}₫, đã vào tài khoản Vietcombank ****3456.`,
        `Tiền trợ cấp tháng 11/2026, số tiền 750.000${NBSP}₫, chưa chuyển được vào tài khoản Vietcombank ****3456 (số tài khoản không đúng). Tiền sẽ được chuyển vào tài khoản khác đã đăng ký của ông/bà.`,
        `Tiền hỗ trợ chi phí mai táng, số tiền 7.200.000${NBSP}₫, đang được tạm giữ để cán bộ xem xét. Cán bộ UBND xã sẽ liên hệ với ông/bà hoặc gia đình.`,
        `Tiền trợ cấp tháng 12/2026, số tiền 750.000${NBSP}₫, sẽ không được chi trả. Nếu cần giải đáp, ông/bà vui lòng liên hệ UBND xã.`,
        'Xin chia buồn cùng gia đình. Chế độ trợ cấp của người đã mất dừng chi trả từ ngày 01/12/2026. Gia đình vui lòng liên hệ UBND xã để làm thủ tục nhận hỗ trợ chi phí mai táng.',
      ].sort(),
    );
    // the retry was consumed (it is in the inbox) and deliberately produced no notice
    await waitFor(async () => (await db.query(`SELECT 1 FROM notification.inbox_event WHERE event_id = $1`, [retry.eventId])).length === 1, 'the retry event');
    expect(await db.query(`SELECT count(*)::int AS n FROM notification.notice_request WHERE beneficiary_id = $1`, [id])).toEqual([{ n: 10 }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM notification.notice_request WHERE source_event_id = $1`, [retry.eventId])).toEqual([{ n: 0 }]);
  });

  it('sends one message for an event delivered three times', async () => {
    const beneficiary = await register();
    const twice = event(payoutSentV1, beneficiary.id, payoutSent(beneficiary.id, { amountDong: '810000' }));
    const marker = event(payoutSentV1, beneficiary.id, payoutSent(beneficiary.id, { entitlementId: twice.payload.entitlementId, amountDong: '820000' }));
    // Same key, one partition: once the marker is delivered, the three copies have been consumed.
    await publish(payoutSentV1, twice.payload.entitlementId, twice, twice, twice, marker);

    await waitFor(async () => (await standIn.messages({ to: beneficiary.phone })).some((message) => message.text.includes('820.000')), 'the marker notice');
    const messages = await standIn.messages({ to: beneficiary.phone });
    expect(messages.filter((message) => message.text.includes('810.000'))).toEqual([expect.objectContaining({ requests: 1 })]);
    expect(await db.query(`SELECT count(*)::int AS n FROM notification.notice WHERE source_event_id = $1`, [twice.eventId])).toEqual([{ n: 1 }]);
    expect(await db.query(`SELECT redeliveries FROM notification.inbox_event WHERE event_id = $1`, [twice.eventId])).toEqual([{ redeliveries: 2 }]);
  });

  it('rides out a short SMS outage with retries on the same channel', async () => {
    const beneficiary = await register();
    await standIn.control({ channel: 'sms', failNext: 2, failWith: 'SERVICE_UNAVAILABLE', scope: [beneficiary.phone] });
    const sent = await sendPayout(beneficiary.id);

    const [message] = await messagesTo(beneficiary.phone, 1);
    expect(message.text).toBe(SENT_750K);
    await waitFor(async () => (await requestStatus(sent.eventId)) === 'delivered', 'delivery');
    expect(await deliveries(sent.eventId)).toEqual([
      { channel: 'sms', status: 'sent', outcomes: ['retryable_error', 'retryable_error', 'accepted'], codes: ['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'ACCEPTED'] },
    ]);
  });

  const fallbackEvents: string[] = [];

  it('falls back to e-mail when SMS stays down through every retry, and loses nothing', async () => {
    const people = await Promise.all(Array.from({ length: 5 }, () => register()));
    for (const [index, person] of people.entries()) {
      await recordPreferences(person.id, { channels: ['sms', 'email'], email: `nguoi.huong.${index}.${person.phone}@example.vn` }).expect(200);
    }
    await standIn.control({ channel: 'sms', outage: true, scope: people.map((person) => person.phone) });
    for (const person of people) fallbackEvents.push((await sendPayout(person.id)).eventId);

    for (const [index, person] of people.entries()) {
      const [mail] = await messagesTo(`nguoi.huong.${index}.${person.phone}@example.vn`, 1, 'email');
      expect(mail).toMatchObject({ subject: 'Tiền trợ cấp tháng 11/2026 đã được chuyển', text: `${SENT_750K}${EMAIL_FOOTER}`, requests: 1 });
      expect(await standIn.messages({ to: person.phone })).toEqual([]);
    }
    for (const eventId of fallbackEvents) {
      await waitFor(async () => (await requestStatus(eventId)) === 'delivered', 'every request delivered');
      expect(await deliveries(eventId)).toEqual([
        { channel: 'sms', status: 'failed', outcomes: Array(MAX_ATTEMPTS).fill('retryable_error'), codes: Array(MAX_ATTEMPTS).fill('SERVICE_UNAVAILABLE') },
        { channel: 'email', status: 'sent', outcomes: ['accepted'], codes: [null] },
      ]);
    }
  });

  it('goes to the next channel at once when a provider refuses for good, and uses Zalo when preferred', async () => {
    const [reachable, unreachable] = [await register(), await register()];
    await recordPreferences(reachable.id, { channels: ['zalo', 'sms'], zaloUserId: '5833212345678901234' }).expect(200);
    await recordPreferences(unreachable.id, { channels: ['zalo', 'sms'], zaloUserId: '5833212345678909999' }).expect(200);
    await standIn.control({ channel: 'zalo', reject: ['5833212345678909999'] });
    const toZalo = await sendPayout(reachable.id);
    const toSms = await sendPayout(unreachable.id);

    const [zalo] = await messagesTo('5833212345678901234', 1, 'zalo');
    expect(zalo).toMatchObject({ channel: 'zalo', text: SENT_750K, clientReference: expect.any(String) });
    const [sms] = await messagesTo(unreachable.phone, 1, 'sms');
    expect(sms.text).toBe(SENT_750K);
    await waitFor(async () => (await requestStatus(toSms.eventId)) === 'delivered', 'delivery');
    expect(await deliveries(toZalo.eventId)).toEqual([{ channel: 'zalo', status: 'sent', outcomes: ['accepted'], codes: ['0'] }]);
    expect(await deliveries(toSms.eventId)).toEqual([
      { channel: 'zalo', status: 'failed', outcomes: ['terminal_error'], codes: ['-213'] },
      { channel: 'sms', status: 'sent', outcomes: ['accepted'], codes: ['ACCEPTED'] },
    ]);
  });

  it('slows down when the gateway says so, and delivers every notice once', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => register()));
    await standIn.control({ channel: 'sms', ratePerSecond: 2, scope: people.map((person) => person.phone) });
    const sent = [];
    for (const person of people) sent.push(await sendPayout(person.id));

    for (const person of people) expect(await messagesTo(person.phone, 1)).toEqual([expect.objectContaining({ text: SENT_750K, requests: 1 })]);
    const [{ limited }] = await db.query(
      `SELECT count(*)::int AS limited FROM notification.notice_delivery_attempt a JOIN notification.notice n ON n.id = a.notice_id
        WHERE n.source_event_id = ANY($1::uuid[]) AND a.outcome = 'rate_limited'`,
      [sent.map((published) => published.eventId)],
    );
    expect(limited).toBeGreaterThan(0);
  });

  it('holds a notice whose beneficiary is not known yet, and sends it once the registration arrives', async () => {
    const early = registration();
    const sent = await sendPayout(early.payload.beneficiaryId);
    await waitFor(async () => (await requestStatus(sent.eventId)) === 'awaiting_recipient', 'the waiting request');

    await publish(beneficiaryRegisteredV1, early.aggregateId, early);
    const [message] = await messagesTo(early.payload.phone!, 1);
    expect(message.text).toBe(SENT_750K);
  });

  it('keeps a notice for a beneficiary without phone until an officer records an e-mail', async () => {
    const beneficiary = await register(null);
    const sent = await sendPayout(beneficiary.id, { amountDong: '1000000' });
    await waitFor(async () => (await requestStatus(sent.eventId)) === 'no_contact', 'the request without contact');

    const email = `khong.dien.thoai.${Date.now()}@example.vn`;
    const recorded = await recordPreferences(beneficiary.id, { channels: ['email'], email }).expect(200);
    expect(recorded.body).toMatchObject({ channels: ['email'], effectiveOrder: ['email'], phone: null, email: 'k***@example.vn', updatedBy: PRINCIPALS.haTinhOfficer.sub });
    const [mail] = await messagesTo(email, 1, 'email');
    expect(mail.text).toBe(`Tiền trợ cấp tháng 11/2026, số tiền 1.000.000${NBSP}₫, đã được chuyển vào tài khoản Vietcombank ****3456.${EMAIL_FOOTER}`);
  });

  it('checks contact preferences field by field, by role and by area, and audits each change', async () => {
    const beneficiary = await register();
    const fields = async (body: object) => {
      const response = await recordPreferences(beneficiary.id, body).expect(400);
      return [response.body.code, Object.keys(response.body.details.fields).sort()];
    };
    expect(await fields({ channels: [] })).toEqual(['REQUEST.VALIDATION_FAILED', ['channels']]);
    expect(await fields({ channels: ['sms', 'sms'] })).toEqual(['REQUEST.VALIDATION_FAILED', ['channels']]);
    expect(await fields({ channels: ['fax'] })).toEqual(['REQUEST.VALIDATION_FAILED', ['channels']]);
    expect(await fields({ channels: ['email'], email: 'khong-phai-email', zaloUserId: 'abc' })).toEqual(['REQUEST.VALIDATION_FAILED', ['email', 'zaloUserId']]);
    expect(await fields({ channels: ['email', 'zalo'] })).toEqual(['NOTIFICATION.CONTACT_ADDRESS_MISSING', ['email', 'zaloUserId']]);
    expect(await fields({ channels: ['sms'], phone: '0912345678' })).toEqual(['REQUEST.VALIDATION_FAILED', ['phone']]);

    const valid = { channels: ['email'], email: 'dao.nguyen@example.vn' };
    expect((await recordPreferences(beneficiary.id, valid, bearer(PRINCIPALS.haNoiOfficer)).expect(403)).body.code).toBe('AUTH.OUT_OF_AREA');
    expect((await recordPreferences(beneficiary.id, valid, bearer(PRINCIPALS.nationalAuditor)).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    expect((await recordPreferences(uuidv7(), valid).expect(404)).body.code).toBe('NOTIFICATION.RECIPIENT_NOT_FOUND');
    await http().put(`/recipients/${beneficiary.id}/contact-preferences`).send(valid).expect(401);

    await recordPreferences(beneficiary.id, valid, bearer(PRINCIPALS.communeOfficer)).expect(200);
    const read = await http().get(`/recipients/${beneficiary.id}/contact-preferences`).set('authorization', bearer(PRINCIPALS.nationalAuditor)).expect(200);
    expect(read.body).toEqual({
      beneficiaryId: beneficiary.id,
      channels: ['email'],
      effectiveOrder: ['email', 'sms'],
      phone: `*******${beneficiary.phone.slice(-3)}`,
      email: 'd***@example.vn',
      zaloUserId: null,
      updatedBy: PRINCIPALS.communeOfficer.sub,
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(read.body)).not.toContain(beneficiary.phone);
    const audit = await db.query(`SELECT actor, action, canonical FROM notification.audit_entry WHERE entity_id = $1 ORDER BY seq`, [beneficiary.id]);
    expect(audit).toEqual([{ actor: `officer:${PRINCIPALS.communeOfficer.sub}`, action: 'notification.contact_preference.recorded', canonical: expect.stringContaining('"email":"d***@example.vn"') }]);
  });

  it('shows an officer of the area the delivery log, with phone and e-mail masked', async () => {
    const eventId = fallbackEvents[0];
    const [{ beneficiary_id: beneficiaryId, address }] = await db.query(`SELECT beneficiary_id, address FROM notification.notice WHERE source_event_id = $1 AND channel = 'email'`, [eventId]);
    const [{ phone }] = await db.query(`SELECT phone FROM notification.recipient WHERE beneficiary_id = $1`, [beneficiaryId]);

    const log = await http().get(`/recipients/${beneficiaryId}/notices`).set('authorization', officer).expect(200);
    expect(log.body.requests).toEqual([
      expect.objectContaining({
        sourceEventId: eventId,
        sourceTopic: payoutSentV1.topic,
        template: 'payout-sent',
        status: 'delivered',
        notices: [
          expect.objectContaining({ channel: 'sms', to: `*******${phone.slice(-3)}`, status: 'failed', text: SENT_750K, attempts: expect.arrayContaining([expect.objectContaining({ outcome: 'retryable_error', providerStatus: '503' })]) }),
          expect.objectContaining({
            channel: 'email',
            to: `n***@example.vn`,
            status: 'sent',
            subject: 'Tiền trợ cấp tháng 11/2026 đã được chuyển',
            attempts: [expect.objectContaining({ attemptNumber: 1, provider: 'smtp-relay', outcome: 'accepted', providerStatus: '250' })],
          }),
        ],
      }),
    ]);
    expect(log.body.requests[0].notices[0].attempts).toHaveLength(MAX_ATTEMPTS);
    expect(log.text).not.toContain(phone);
    expect(log.text).not.toContain(address);

    await http().get(`/recipients/${beneficiaryId}/notices`).set('authorization', bearer(PRINCIPALS.nationalAuditor)).expect(200);
    expect((await http().get(`/recipients/${beneficiaryId}/notices`).set('authorization', bearer(PRINCIPALS.haNoiOfficer)).expect(403)).body.code).toBe('AUTH.OUT_OF_AREA');
    expect((await http().get(`/recipients/${beneficiaryId}/notices`).set('authorization', bearer(PRINCIPALS.vietcombank)).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    await http().get(`/recipients/${beneficiaryId}/notices`).expect(401);
  });

  it('dead-letters a message that is not a valid event', async () => {
    const dlq = await TestConsumer.start([deadLetterTopicOf(payoutSentV1.topic)]);
    try {
      const key = `garbage-${uuidv7()}`;
      const producer = await app.get(KafkaService).producer();
      await producer.send({ topic: payoutSentV1.topic, messages: [{ key, value: JSON.stringify({ eventId: 'not-a-uuid', payload: {} }) }] });
      const dead = await dlq.waitFor((message) => message.key === key, 'the dead letter');
      expect(dead.headers[DEAD_LETTER_HEADERS.reason]).toBe('INVALID_MESSAGE');
      expect(dead.headers[DEAD_LETTER_HEADERS.consumer]).toBe('notification');
    } finally {
      await dlq.stop();
    }
  });

  it('sends a notice whose job was lost, found by the sweeper', async () => {
    // As if the service died between committing the notice and queueing its job.
    const beneficiary = await register();
    const requestId = uuidv7();
    const noticeId = uuidv7();
    const sourceEventId = uuidv7();
    await db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO notification.notice_request (id, source_event_id, source_topic, beneficiary_id, template, variables, status, channel_plan)
         VALUES ($1, $2, $3, $4, 'payout-held', $5, 'in_progress', '{sms}')`,
        [requestId, sourceEventId, payoutHeldV1.topic, beneficiary.id, JSON.stringify({ payment: 'Tiền trợ cấp tháng 11/2026', amount: `750.000${NBSP}₫` })],
      );
      await manager.query(
        `INSERT INTO notification.notice (id, request_id, source_event_id, beneficiary_id, channel, address, body, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'sms', $5, 'Thông báo bị mất hàng đợi', 'queued', now() - interval '1 hour', now() - interval '1 hour')`,
        [noticeId, requestId, sourceEventId, beneficiary.id, beneficiary.phone],
      );
    });

    const [message] = await messagesTo(beneficiary.phone, 1);
    expect(message).toMatchObject({ text: 'Thông báo bị mất hàng đợi', clientReference: noticeId, requests: 1 });
    await waitFor(async () => (await requestStatus(sourceEventId)) === 'delivered', 'delivery');
    expect(await db.query(`SELECT status, requeue_count FROM notification.notice WHERE id = $1`, [noticeId])).toEqual([{ status: 'sent', requeue_count: 1 }]);
  });

  describe('queue dashboard', () => {
    const dashboard = (path: string, principal?: Principal) => {
      const call = http().get(`/queues${path}`);
      return principal ? call.set('authorization', bearer(principal)) : call;
    };

    it('lets nobody in without a token, and no officer at all', async () => {
      expect((await dashboard('').expect(401)).body.code).toBe('AUTH.UNAUTHENTICATED');
      expect((await http().get('/queues').set('authorization', 'Bearer forged.token.here').expect(401)).body.code).toBe('AUTH.INVALID_TOKEN');
      expect((await dashboard('/api/queues', PRINCIPALS.haTinhOfficer).expect(403)).body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
    });

    it('shows auditors the failed jobs read-only, without a phone number in them', async () => {
      const auditor = PRINCIPALS.nationalAuditor;
      const page = await dashboard('', auditor).expect(200);
      expect(page.text).toContain('AnSinh — hàng đợi (chỉ xem)');

      const queues = await dashboard('/api/queues?activeQueue=notification-sms&status=failed&page=1&jobsPerPage=50', auditor).expect(200);
      const sms = queues.body.queues.find((queue: { name: string }) => queue.name === 'notification-sms');
      expect(queues.body.queues.every((queue: { readOnlyMode: boolean }) => queue.readOnlyMode)).toBe(true);
      expect(sms.counts.failed).toBeGreaterThanOrEqual(5);
      expect(sms.jobs[0]).toMatchObject({ data: { noticeId: expect.any(String) }, failedReason: expect.stringContaining('SERVICE_UNAVAILABLE') });
      const phones: Array<{ phone: string }> = await db.query(`SELECT phone FROM notification.recipient WHERE phone IS NOT NULL`);
      for (const { phone } of phones) expect(queues.text).not.toContain(phone);

      const refused = await http().put(`/queues/api/queues/notification-sms/${sms.jobs[0].id}/retry`).set('authorization', bearer(auditor)).expect(405);
      expect(refused.body.error).toEqual({ key: 'ERRORS.QUEUE_READ_ONLY' });
    });

    it('lets an admin retry a failed job, which never sends a notice twice', async () => {
      const admin = { sub: 'quan.tri', role: 'admin' } as const;
      const login = await http().get(`/queues?token=${tokenFor(admin)}`).expect(303);
      expect(login.headers.location).toBe('/queues');
      const cookie = String(login.headers['set-cookie']);
      expect(cookie).toMatch(/ansinh_queues_token=.+; Max-Age=3600; Path=\/queues; .*HttpOnly; SameSite=Strict/);

      const queues = await http().get('/queues/api/queues?activeQueue=notification-sms&status=failed&page=1&jobsPerPage=50').set('cookie', cookie.split(';')[0]).expect(200);
      const sms = queues.body.queues.find((queue: { name: string }) => queue.name === 'notification-sms');
      expect(sms.readOnlyMode).toBe(false);
      const job = sms.jobs.find((candidate: { data: { noticeId: string } }) => candidate.data.noticeId);
      await http().put(`/queues/api/queues/notification-sms/${job.id}/retry`).set('cookie', cookie.split(';')[0]).expect(204);

      const messagesBefore: StandInMessage[] = await standIn.messages({ channel: 'sms' });
      await waitFor(async () => {
        const done = await http().get('/queues/api/queues?activeQueue=notification-sms&status=completed&page=1&jobsPerPage=200').set('cookie', cookie.split(';')[0]);
        const mine = done.body.queues.find((queue: { name: string }) => queue.name === 'notification-sms').jobs.find((candidate: { id: string }) => candidate.id === job.id);
        return mine?.returnValue === 'already_final';
      }, 'the retried job to find its notice final');
      expect(await standIn.messages({ channel: 'sms' })).toHaveLength(messagesBefore.length);
    });
  });

  it('is ready only with its database, Redis and Kafka', async () => {
    const response = await http().get('/health').expect(200);
    expect(Object.keys(response.body.details).sort()).toEqual(['kafka', 'postgres', 'redis']);
  });
});

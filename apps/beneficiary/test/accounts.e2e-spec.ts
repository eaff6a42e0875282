import { accountChangedV1, accountLinkedV1, accountRejectedV1, accountVerifiedV1 } from '@app/contracts';
import { FieldCipher, parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { newBeneficiary, type BeneficiaryInput } from '../../../test/support/beneficiary-factory';
import { ServiceProcess } from '../../../test/support/service-process';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { startTestApp } from '../../../test/support/test-app';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';

jest.setTimeout(90_000);

const BANK_PORT = Number(new URL(TEST_ENV.BANK_STAND_IN_URL).port);
const ACCOUNT_TOPICS = [accountLinkedV1.topic, accountVerifiedV1.topic, accountRejectedV1.topic, accountChangedV1.topic];
const VIETCOMBANK = '970436';
const AGRIBANK = '970405';
const VBSP = '999888';
const HOUR_MS = 3_600_000;

const bearer = (principal: Principal) => `Bearer ${tokenFor(principal)}`;
const officer = bearer(PRINCIPALS.haTinhOfficer);
const supervisor = bearer(PRINCIPALS.haTinhSupervisor);
// The officer who links an account, holding a supervisor's token too: maker-checker compares people.
const officerAsSupervisor = bearer({ ...PRINCIPALS.haTinhOfficer, role: 'supervisor' });

let sequence = 0;
/** A fresh 13-digit account number per call; every one is remembered, to prove none leaks. */
const issuedNumbers: string[] = [];
function newAccountNumber(): string {
  const number = `${Date.now()}${String(++sequence).padStart(3, '0')}`.slice(-13);
  issuedNumbers.push(number);
  return number;
}
let walletSequence = 0;
function newWalletNumber(): string {
  const number = `09${String(Date.now() % 1_000_000).padStart(6, '0')}${String(++walletSequence % 100).padStart(2, '0')}`;
  issuedNumbers.push(number);
  return number;
}

describe('account linking (HTTP, real PostgreSQL / Kafka / Redis, stand-in bank as a real process)', () => {
  let app: INestApplication;
  let db: DataSource;
  let bank: ServiceProcess;
  let consumer: TestConsumer;
  const responses: string[] = [];
  const registered: string[] = [];

  const http = () => request(app.getHttpServer());
  const remember = <T extends { text: string }>(response: T): T => {
    responses.push(response.text);
    return response;
  };

  /** Opens (or closes) an account at the stand-in bank; it prints names as banks do. */
  const openAccount = (institution: string, account: string, holderName: string, status: 'active' | 'closed' = 'active') =>
    fetch(`${bank.url}/accounts/${institution}/${account}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ holderName, status }),
    }).then((response) => expect(response.status).toBe(200));

  const register = async (overrides: Partial<BeneficiaryInput> = {}) => {
    const id = (await http().post('/beneficiaries').set('authorization', officer).send(newBeneficiary({ gender: 'female', ...overrides })).expect(201)).body.id as string;
    registered.push(id);
    return id;
  };

  const bankLink = (accountNumber: string, extra: Record<string, unknown> = {}) => ({
    channel: 'bank',
    bankBin: VIETCOMBANK,
    accountNumber,
    consent: { method: 'paper_form' },
    ...extra,
  });

  const link = async (beneficiaryId: string, body: object, authorization = officer) =>
    remember(await http().post(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', authorization).send(body));

  const row = async (accountId: string) =>
    (
      await db.query(
        `SELECT status, status_reason, name_match, holder_name_from_bank, priority, payable_from, replaces_id, change_approved_by,
                consent_method, consent_by, consent_at, created_by, verified_at
           FROM beneficiary.payment_channel WHERE id = $1`,
        [accountId],
      )
    )[0];

  const statusOf = async (accountId: string) => (await row(accountId))?.status as string | undefined;
  const waitForStatus = (accountId: string, status: string) =>
    waitFor(async () => (await statusOf(accountId)) === status, `account ${accountId} to become ${status}`, 30_000);

  const outboxOf = async (beneficiaryId: string, topic: string): Promise<Array<{ payload: Record<string, unknown> }>> =>
    (await db.query(`SELECT envelope FROM beneficiary.outbox_event WHERE message_key = $1 AND topic = $2 ORDER BY id`, [beneficiaryId, topic])).map(
      (record: { envelope: { payload: Record<string, unknown> } }) => record.envelope,
    );

  const snapshot = async () =>
    (
      await db.query(`SELECT
        (SELECT count(*) FROM beneficiary.payment_channel)::int AS accounts,
        (SELECT count(*) FROM beneficiary.payment_channel_event)::int AS history,
        (SELECT count(*) FROM beneficiary.outbox_event)::int AS outbox`)
    )[0];

  /** Links a Vietcombank account whose holder name matches, and waits until the bank confirmed it. */
  const linkVerified = async (beneficiaryId: string, holderName: string, extra: Record<string, unknown> = {}) => {
    const number = newAccountNumber();
    await openAccount(VIETCOMBANK, number, holderName);
    const response = await link(beneficiaryId, bankLink(number, extra));
    expect(response.status).toBe(201);
    await waitForStatus(response.body.id, 'verified');
    return { id: response.body.id as string, number };
  };

  beforeAll(async () => {
    bank = await ServiceProcess.start('bank-stand-in', BANK_PORT);
    app = await startTestApp(BeneficiaryAppModule.forRoot(parseConfig(beneficiaryConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
    consumer = await TestConsumer.start(ACCOUNT_TOPICS);
  });

  afterAll(async () => {
    await consumer?.stop();
    await app?.close();
    await bank?.stop();
  });

  describe('name verification through the bank', () => {
    it.each([
      ['the same name as the bank prints it', 'NGUYEN THI DAO', 'exact'],
      ['the given name first', 'DAO NGUYEN THI', 'reordered'],
      ['one keying error', 'NGUYEN THI DAOO', 'one-typo'],
      ['diacritics and odd spacing seeded at the bank', '  nguyễn   thị   đào ', 'exact'],
    ])('verifies an account whose holder is %s, records the consent, and publishes linked then verified', async (_label, holderName, nameMatch) => {
      const beneficiaryId = await register({ fullName: 'Nguyễn Thị Đào' });
      const number = newAccountNumber();
      await openAccount(VIETCOMBANK, number, holderName);

      const response = await link(beneficiaryId, bankLink(` ${number.slice(0, 4)} ${number.slice(4)} `));
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        channel: 'bank',
        bankBin: VIETCOMBANK,
        institutionName: 'Vietcombank',
        accountNumberMasked: `****${number.slice(-4)}`,
        priority: 1,
        status: 'pending_verification',
        payableNow: false,
        consent: { method: 'paper_form', recordedBy: 'officer:can.bo.ha.tinh' },
      });
      const accountId = response.body.id as string;

      await waitForStatus(accountId, 'verified');
      const stored = await row(accountId);
      expect(stored).toMatchObject({ name_match: nameMatch, holder_name_from_bank: expect.stringMatching(/^[A-Z ]+$/), consent_method: 'paper_form', consent_by: 'officer:can.bo.ha.tinh' });
      expect(Math.abs(new Date(stored.consent_at).getTime() - Date.now())).toBeLessThan(60_000);

      const listed = remember(await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', officer).expect(200));
      expect(listed.body.channels[0]).toMatchObject({ id: accountId, status: 'verified', nameMatch, payableNow: true });

      const verified = await consumer.waitFor((message) => message.topic === accountVerifiedV1.topic && message.value!.toString().includes(accountId), 'the verified event on Kafka');
      const envelope = accountVerifiedV1.envelope.parse(JSON.parse(verified.value!.toString()));
      expect(verified.key).toBe(beneficiaryId);
      expect(envelope.payload).toMatchObject({
        accountId,
        beneficiaryId,
        channel: 'bank',
        bankBin: VIETCOMBANK,
        providerCode: null,
        accountNumberMasked: `****${number.slice(-4)}`,
        verification: { method: 'name_enquiry', nameMatch },
        verifiedBy: 'system:name-enquiry',
      });
      const [linked] = await outboxOf(beneficiaryId, accountLinkedV1.topic);
      expect(linked.payload).toMatchObject({ accountId, status: 'pending_verification', consent: { method: 'paper_form', recordedBy: 'officer:can.bo.ha.tinh' } });
    });

    it('sends a name the bank prints differently to a supervisor (mismatch_review), publishing nothing yet', async () => {
      const beneficiaryId = await register({ fullName: 'Nguyễn Thị Đào' });
      const number = newAccountNumber();
      await openAccount(VIETCOMBANK, number, 'TRAN VAN HUNG');
      const response = await link(beneficiaryId, bankLink(number));
      expect(response.status).toBe(201);
      await waitForStatus(response.body.id, 'mismatch_review');
      expect(await row(response.body.id)).toMatchObject({ name_match: 'mismatch', status_reason: 'NAME_MISMATCH', holder_name_from_bank: 'TRAN VAN HUNG' });
      expect(await outboxOf(beneficiaryId, accountVerifiedV1.topic)).toEqual([]);
      expect(await outboxOf(beneficiaryId, accountRejectedV1.topic)).toEqual([]);
    });

    it.each([
      ['the bank does not know', 'ACCOUNT_NOT_FOUND', undefined],
      ['the bank has closed', 'ACCOUNT_CLOSED', 'closed' as const],
    ])('rejects an account %s, and publishes the rejection', async (_label, reasonCode, bankStatus) => {
      const beneficiaryId = await register();
      const number = newAccountNumber();
      if (bankStatus) await openAccount(VIETCOMBANK, number, 'NGUYEN VAN A', bankStatus);
      const response = await link(beneficiaryId, bankLink(number));
      await waitForStatus(response.body.id, 'rejected');
      expect(await row(response.body.id)).toMatchObject({ status_reason: reasonCode, name_match: null });
      const [rejected] = await outboxOf(beneficiaryId, accountRejectedV1.topic);
      expect(rejected.payload).toMatchObject({ accountId: response.body.id, reasonCode, verification: { method: 'name_enquiry', nameMatch: null } });
      // A rejected account frees its priority: the channel list shows only cash.
      const listed = await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', officer).expect(200);
      expect(listed.body.channels.map((channel: { channel: string }) => channel.channel)).toEqual(['cash_post_office']);
      expect(listed.body.inactive).toEqual([expect.objectContaining({ id: response.body.id, status: 'rejected' })]);
    });

    it('re-runs verification on request once the bank corrects its record (202)', async () => {
      const beneficiaryId = await register({ fullName: 'Lê Thị Hoa' });
      const number = newAccountNumber();
      await openAccount(AGRIBANK, number, 'LE THI HONG NHUNG');
      const linked = await link(beneficiaryId, bankLink(number, { bankBin: AGRIBANK }));
      await waitForStatus(linked.body.id, 'mismatch_review');

      await openAccount(AGRIBANK, number, 'LE THI HOA');
      const again = remember(await http().post(`/beneficiaries/${beneficiaryId}/accounts/${linked.body.id}/verify`).set('authorization', officer).expect(202));
      expect(again.body.status).toBe('pending_verification');
      await waitForStatus(linked.body.id, 'verified');
      const kinds = await db.query(`SELECT kind, from_status, to_status FROM beneficiary.payment_channel_event WHERE payment_channel_id = $1 ORDER BY id`, [linked.body.id]);
      expect(kinds).toEqual([
        { kind: 'linked', from_status: null, to_status: 'pending_verification' },
        { kind: 'name_enquiry', from_status: 'pending_verification', to_status: 'mismatch_review' },
        { kind: 'verification_requested', from_status: 'mismatch_review', to_status: 'pending_verification' },
        { kind: 'name_enquiry', from_status: 'pending_verification', to_status: 'verified' },
      ]);
      const verifiedAccount = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${linked.body.id}/verify`).set('authorization', officer).expect(409);
      expect(verifiedAccount.body.code).toBe('ACCOUNT.NOT_VERIFIABLE');
    });

    it('puts a VBSP account (no name-enquiry) in pending_manual_check; a supervisor other than the linking officer confirms it', async () => {
      const beneficiaryId = await register({ fullName: 'Phạm Văn Dũng', gender: 'male' });
      const response = await link(beneficiaryId, bankLink(newAccountNumber(), { bankBin: VBSP, consent: { method: 'in_person' } }));
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ status: 'pending_manual_check', statusReason: 'NAME_ENQUIRY_UNSUPPORTED', institutionName: 'VBSP' });
      const [linked] = await outboxOf(beneficiaryId, accountLinkedV1.topic);
      expect(linked.payload).toMatchObject({ bankBin: VBSP, status: 'pending_manual_check' });

      const unsupported = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${response.body.id}/verify`).set('authorization', officer).expect(409);
      expect(unsupported.body.code).toBe('ACCOUNT.NAME_ENQUIRY_UNSUPPORTED');
      const review = { decision: 'confirm', note: 'Đã đối chiếu sổ tiết kiệm NHCSXH, tên trùng khớp.' };
      const own = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${response.body.id}/review`).set('authorization', officerAsSupervisor).send(review).expect(403);
      expect(own.body.code).toBe('ACCOUNT.SELF_APPROVAL');
      const byOfficer = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${response.body.id}/review`).set('authorization', officer).send(review).expect(403);
      expect(byOfficer.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      expect(await statusOf(response.body.id)).toBe('pending_manual_check');

      const confirmed = remember(await http().post(`/beneficiaries/${beneficiaryId}/accounts/${response.body.id}/review`).set('authorization', supervisor).send(review).expect(200));
      expect(confirmed.body).toMatchObject({ status: 'verified', payableNow: true });
      const [verified] = await outboxOf(beneficiaryId, accountVerifiedV1.topic);
      expect(verified.payload).toMatchObject({ verification: { method: 'manual_review', nameMatch: null }, verifiedBy: 'supervisor:lanh.dao.ha.tinh' });
      const again = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${response.body.id}/review`).set('authorization', supervisor).send(review).expect(409);
      expect(again.body.code).toBe('ACCOUNT.NOTHING_TO_REVIEW');
    });

    it('lets a supervisor reject a mismatched account, which frees its priority', async () => {
      const beneficiaryId = await register({ fullName: 'Hoàng Thị Mai' });
      const number = newAccountNumber();
      await openAccount(VIETCOMBANK, number, 'NGO VAN LONG');
      const linked = await link(beneficiaryId, bankLink(number));
      await waitForStatus(linked.body.id, 'mismatch_review');
      await http()
        .post(`/beneficiaries/${beneficiaryId}/accounts/${linked.body.id}/review`)
        .set('authorization', supervisor)
        .send({ decision: 'reject', note: 'Tài khoản của người khác.' })
        .expect(200);
      const [rejected] = await outboxOf(beneficiaryId, accountRejectedV1.topic);
      expect(rejected.payload).toMatchObject({ reasonCode: 'NAME_MISMATCH', verification: { method: 'manual_review', nameMatch: 'mismatch' }, rejectedBy: 'supervisor:lanh.dao.ha.tinh' });
    });
  });

  describe('channels', () => {
    it('lists channels in priority order, masked, with cash at the post office always last', async () => {
      const beneficiaryId = await register({ fullName: 'Võ Thị Lan' });
      const wallet = newWalletNumber();
      await openAccount('MOMO', wallet, 'VO THI LAN');
      const walletLinked = await link(beneficiaryId, { channel: 'ewallet', providerCode: 'MOMO', accountNumber: wallet, priority: 2, consent: { method: 'vneid' } });
      expect(walletLinked.status).toBe(201);
      const bankAccount = await linkVerified(beneficiaryId, 'VO THI LAN');
      await waitForStatus(walletLinked.body.id, 'verified');

      for (const authorization of [officer, supervisor, bearer(PRINCIPALS.nationalAuditor), bearer(PRINCIPALS.communeOfficer)]) {
        const listed = remember(await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', authorization).expect(200));
        expect(listed.body.channels).toEqual([
          expect.objectContaining({ id: bankAccount.id, channel: 'bank', priority: 1, accountNumberMasked: `****${bankAccount.number.slice(-4)}`, implicit: false }),
          expect.objectContaining({ id: walletLinked.body.id, channel: 'ewallet', providerCode: 'MOMO', institutionName: 'MoMo', priority: 2, accountNumberMasked: `****${wallet.slice(-4)}` }),
          expect.objectContaining({ id: null, channel: 'cash_post_office', implicit: true, priority: null, status: 'available', payableNow: true }),
        ]);
      }
    });

    it('refuses the same account twice for one beneficiary (409) and writes nothing', async () => {
      const beneficiaryId = await register({ fullName: 'Bùi Thị Cúc' });
      const account = await linkVerified(beneficiaryId, 'BUI THI CUC');
      const before = await snapshot();
      const again = await link(beneficiaryId, bankLink(account.number, { priority: 2 }));
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ACCOUNT.ALREADY_LINKED');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('account change', () => {
    it('supersedes the verified account, starts the cool-off, and publishes the change with masked numbers only', async () => {
      const beneficiaryId = await register({ fullName: 'Đặng Thị Hằng' });
      const old = await linkVerified(beneficiaryId, 'DANG THI HANG');
      const number = newAccountNumber();
      await openAccount(AGRIBANK, number, 'DANG THI HANG');

      const changed = await link(beneficiaryId, bankLink(number, { bankBin: AGRIBANK }));
      expect(changed.status).toBe(201);
      expect(changed.body).toMatchObject({ replacesId: old.id, status: 'pending_verification', payableNow: false });
      const payableFrom = new Date(changed.body.payableFrom).getTime();
      expect(Math.abs(payableFrom - (Date.now() + 72 * HOUR_MS))).toBeLessThan(60_000);
      expect(await row(old.id)).toMatchObject({ status: 'superseded', status_reason: 'REPLACED' });

      const message = await consumer.waitFor((m) => m.topic === accountChangedV1.topic && m.value!.toString().includes(changed.body.id), 'the changed event on Kafka');
      const text = message.value!.toString();
      const envelope = accountChangedV1.envelope.parse(JSON.parse(text));
      expect(message.key).toBe(beneficiaryId);
      expect(envelope.payload).toMatchObject({
        accountId: changed.body.id,
        bankBin: AGRIBANK,
        accountNumberMasked: `****${number.slice(-4)}`,
        previous: { accountId: old.id, bankBin: VIETCOMBANK, accountNumberMasked: `****${old.number.slice(-4)}` },
        payableFrom: changed.body.payableFrom,
        changedBy: 'officer:can.bo.ha.tinh',
        approvedBy: null,
      });
      expect(text).not.toContain(number);
      expect(text).not.toContain(old.number);
      // A change is published as changed, not as linked.
      expect((await outboxOf(beneficiaryId, accountLinkedV1.topic)).map((event) => event.payload.accountId)).toEqual([old.id]);

      // Verified, but still in its cool-off: not payable; nothing at priority 1 is, so payment falls to cash.
      await waitForStatus(changed.body.id, 'verified');
      const listed = await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', officer).expect(200);
      expect(listed.body.channels[0]).toMatchObject({ id: changed.body.id, status: 'verified', payableNow: false });
      expect(listed.body.inactive).toEqual([expect.objectContaining({ id: old.id, status: 'superseded' })]);
      const [verified] = await outboxOf(beneficiaryId, accountVerifiedV1.topic).then((events) => events.filter((event) => event.payload.accountId === changed.body.id));
      expect(verified.payload.payableFrom).toBe(changed.body.payableFrom);
    });

    it('a second change during the cool-off restarts it and still names the last verified account as previous', async () => {
      const beneficiaryId = await register({ fullName: 'Ngô Thị Yến' });
      const old = await linkVerified(beneficiaryId, 'NGO THI YEN');
      const first = await link(beneficiaryId, bankLink(newAccountNumber(), { bankBin: AGRIBANK }));
      const second = await link(beneficiaryId, bankLink(newAccountNumber(), { bankBin: AGRIBANK }));
      expect(second.status).toBe(201);
      expect(second.body.replacesId).toBe(old.id);
      expect(await statusOf(first.body.id)).toBe('superseded');
      const changes = await outboxOf(beneficiaryId, accountChangedV1.topic);
      expect(changes.map((event) => (event.payload.previous as { accountId: string }).accountId)).toEqual([old.id, old.id]);
    });

    it('a change whose new account the bank rejected does not open a way around the cool-off', async () => {
      const beneficiaryId = await register({ fullName: 'Lý Thị Cúc' });
      const old = await linkVerified(beneficiaryId, 'LY THI CUC');
      // An account the bank does not know: rejected by the name enquiry.
      const unknown = await link(beneficiaryId, bankLink(newAccountNumber(), { bankBin: AGRIBANK }));
      await waitForStatus(unknown.body.id, 'rejected');
      const next = await link(beneficiaryId, bankLink(newAccountNumber(), { bankBin: AGRIBANK }));
      expect(next.status).toBe(201);
      expect(next.body.replacesId).toBe(old.id);
      expect(new Date(next.body.payableFrom).getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
      const changes = await outboxOf(beneficiaryId, accountChangedV1.topic);
      expect(changes.map((event) => (event.payload.previous as { accountId: string }).accountId)).toEqual([old.id, old.id]);
    });

    it('a supervisor waives the cool-off; the officer who made the change cannot (403), nor anyone twice (409)', async () => {
      const beneficiaryId = await register({ fullName: 'Huỳnh Thị Loan' });
      const old = await linkVerified(beneficiaryId, 'HUYNH THI LOAN');
      const number = newAccountNumber();
      await openAccount(VIETCOMBANK, number, 'HUYNH THI LOAN');
      const changed = await link(beneficiaryId, bankLink(number));
      await waitForStatus(changed.body.id, 'verified');
      const approve = (authorization: string) => http().post(`/beneficiaries/${beneficiaryId}/accounts/${changed.body.id}/approve-change`).set('authorization', authorization);

      const before = await snapshot();
      const byOfficerRole = await approve(officer).expect(403);
      expect(byOfficerRole.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      const byChanger = await approve(officerAsSupervisor).expect(403);
      expect(byChanger.body.code).toBe('ACCOUNT.SELF_APPROVAL');
      const byAuditor = await approve(bearer(PRINCIPALS.nationalAuditor)).expect(403);
      expect(byAuditor.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      const outside = await approve(bearer({ sub: 'lanh.dao.ha.noi', role: 'supervisor', provinceCode: '01' })).expect(403);
      expect(outside.body.code).toBe('AUTH.OUT_OF_AREA');
      expect(await snapshot()).toEqual(before);

      const approved = remember(await approve(supervisor).expect(200));
      expect(approved.body).toMatchObject({ id: changed.body.id, payableNow: true, changeApprovedBy: 'supervisor:lanh.dao.ha.tinh' });
      expect(new Date(approved.body.payableFrom).getTime()).toBeLessThanOrEqual(Date.now());
      const changes = await outboxOf(beneficiaryId, accountChangedV1.topic);
      expect(changes).toHaveLength(2);
      expect(changes[1].payload).toMatchObject({
        accountId: changed.body.id,
        previous: { accountId: old.id },
        payableFrom: approved.body.payableFrom,
        approvedBy: 'supervisor:lanh.dao.ha.tinh',
        changedBy: 'officer:can.bo.ha.tinh',
      });
      await consumer.waitFor((m) => m.topic === accountChangedV1.topic && m.value!.toString().includes('"approvedBy":"supervisor:lanh.dao.ha.tinh"') && m.value!.toString().includes(changed.body.id), 'the approved change on Kafka');
      const history = await db.query(`SELECT kind, actor FROM beneficiary.payment_channel_event WHERE payment_channel_id = $1 AND kind = 'change_approved'`, [changed.body.id]);
      expect(history).toEqual([{ kind: 'change_approved', actor: 'supervisor:lanh.dao.ha.tinh' }]);

      const twice = await approve(supervisor).expect(409);
      expect(twice.body.code).toBe('ACCOUNT.NOT_A_PENDING_CHANGE');
      const firstLink = await http().post(`/beneficiaries/${beneficiaryId}/accounts/${old.id}/approve-change`).set('authorization', supervisor).expect(409);
      expect(firstLink.body.code).toBe('ACCOUNT.NOT_ACTIVE');
    });

    it('does not treat replacing an account that was never verified as a change: no cool-off', async () => {
      const beneficiaryId = await register({ fullName: 'Lý Thị Huệ' });
      const mismatched = newAccountNumber();
      await openAccount(VIETCOMBANK, mismatched, 'LY VAN TAI');
      const first = await link(beneficiaryId, bankLink(mismatched));
      await waitForStatus(first.body.id, 'mismatch_review');
      const corrected = await linkVerified(beneficiaryId, 'LY THI HUE');
      expect(await row(corrected.id)).toMatchObject({ replaces_id: null });
      expect(await statusOf(first.body.id)).toBe('superseded');
      expect(await outboxOf(beneficiaryId, accountChangedV1.topic)).toEqual([]);
      const listed = await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', officer).expect(200);
      expect(listed.body.channels[0]).toMatchObject({ id: corrected.id, payableNow: true });
    });
  });

  describe('refusals', () => {
    let beneficiaryId: string;
    beforeAll(async () => {
      beneficiaryId = await register({ fullName: 'Trần Thị Thảo' });
    });

    it.each([
      ['a BIN of five digits', { bankBin: '97043' }, 'REQUEST.VALIDATION_FAILED', 'bankBin'],
      ['a BIN not in the bank list', { bankBin: '970999' }, 'ACCOUNT.UNKNOWN_BANK', '970999'],
      ['an account number with letters', { accountNumber: '00710001234AB' }, 'REQUEST.VALIDATION_FAILED', 'accountNumber'],
      ['an account number of five digits', { accountNumber: '12345' }, 'REQUEST.VALIDATION_FAILED', 'accountNumber'],
      ['an account number of twenty digits', { accountNumber: '12345678901234567890' }, 'REQUEST.VALIDATION_FAILED', 'accountNumber'],
      ['an unknown e-wallet provider', { channel: 'ewallet', bankBin: undefined, providerCode: 'PAYPAL', accountNumber: '0912345678' }, 'ACCOUNT.UNKNOWN_PROVIDER', 'PAYPAL'],
      ['an e-wallet number that is not a mobile number', { channel: 'ewallet', bankBin: undefined, providerCode: 'MOMO', accountNumber: '12345678' }, 'ACCOUNT.INVALID_WALLET_NUMBER', 'ví'],
      ['an e-wallet without its provider', { channel: 'ewallet', bankBin: undefined }, 'ACCOUNT.INSTITUTION_MISMATCH', 'providerCode'],
      ['a bank account with a provider code', { providerCode: 'MOMO' }, 'ACCOUNT.INSTITUTION_MISMATCH', 'bankBin'],
      ['a bank account without its BIN', { bankBin: undefined }, 'ACCOUNT.INSTITUTION_MISMATCH', 'bankBin'],
      ['a missing consent', { consent: undefined }, 'REQUEST.VALIDATION_FAILED', 'consent'],
      ['a consent given by telephone', { consent: { method: 'phone_call' } }, 'REQUEST.VALIDATION_FAILED', 'consent.method'],
      ['a consent naming who recorded it', { consent: { method: 'paper_form', recordedBy: 'someone.else' } }, 'REQUEST.VALIDATION_FAILED', 'consent.recordedBy'],
      ['cash as a linked channel', { channel: 'cash_post_office' }, 'REQUEST.VALIDATION_FAILED', 'channel'],
      ['priority 0', { priority: 0 }, 'REQUEST.VALIDATION_FAILED', 'priority'],
      ['priority as text', { priority: 'first' }, 'REQUEST.VALIDATION_FAILED', 'priority'],
      ['an unknown field', { holderName: 'NGUYEN VAN A' }, 'REQUEST.VALIDATION_FAILED', 'holderName'],
    ])('rejects %s with 400, a clear code, and writes nothing', async (_label, change, code, mentioned) => {
      const number = newAccountNumber();
      const before = await snapshot();
      const response = await link(beneficiaryId, { ...bankLink(number), ...change });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe(code);
      expect(JSON.stringify(response.body)).toContain(mentioned);
      expect(response.body.message).toMatch(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
      expect(response.text).not.toContain(number);
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['an auditor (read-only)', bearer(PRINCIPALS.nationalAuditor), 403, 'AUTH.ROLE_NOT_ALLOWED'],
      ['a supervisor (officers link, supervisors approve)', supervisor, 403, 'AUTH.ROLE_NOT_ALLOWED'],
      ['a bank', bearer(PRINCIPALS.vietcombank), 403, 'AUTH.ROLE_NOT_ALLOWED'],
      ['an officer of another province', bearer(PRINCIPALS.haNoiOfficer), 403, 'AUTH.OUT_OF_AREA'],
      ['an officer of another commune', bearer({ sub: 'can.bo.xa.18100', role: 'officer', provinceCode: '42', communeCode: '18100' }), 403, 'AUTH.OUT_OF_AREA'],
      ['no token', '', 401, 'AUTH.UNAUTHENTICATED'],
    ])('refuses a link by %s and writes nothing', async (_label, authorization, status, code) => {
      const before = await snapshot();
      const call = http().post(`/beneficiaries/${beneficiaryId}/accounts`).send(bankLink(newAccountNumber()));
      if (authorization) call.set('authorization', authorization);
      const response = await call.expect(status);
      expect(response.body.code).toBe(code);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses reading accounts outside the reader’s area, and unknown beneficiaries or accounts', async () => {
      const outside = await http().get(`/beneficiaries/${beneficiaryId}/accounts`).set('authorization', bearer(PRINCIPALS.haNoiOfficer)).expect(403);
      expect(outside.body.code).toBe('AUTH.OUT_OF_AREA');
      const unknown = '01a20822-5612-73e0-a122-4caec0039850';
      expect((await http().get(`/beneficiaries/${unknown}/accounts`).set('authorization', officer).expect(404)).body.code).toBe('BENEFICIARY.NOT_FOUND');
      expect((await http().post(`/beneficiaries/${beneficiaryId}/accounts/${unknown}/verify`).set('authorization', officer).expect(404)).body.code).toBe('ACCOUNT.NOT_FOUND');
      await http().post(`/beneficiaries/${beneficiaryId}/accounts/not-a-uuid/approve-change`).set('authorization', supervisor).expect(400);
      const missing = await link(unknown, bankLink(newAccountNumber()));
      expect(missing.status).toBe(404);
    });
  });

  describe('account numbers at rest and in transit', () => {
    it('stores them only sealed, never in plain text, and they open only with the key, for the row they belong to', async () => {
      const rows: Array<{ id: string; account_last4: string; account_number_cipher: Buffer; whole_row: string }> = await db.query(
        `SELECT id, account_last4, account_number_cipher, t::text AS whole_row FROM beneficiary.payment_channel t WHERE beneficiary_id = ANY($1)`,
        [registered],
      );
      expect(rows.length).toBeGreaterThan(10);
      const cipher = FieldCipher.fromBase64(TEST_ENV.ACCOUNT_ENCRYPTION_KEY);
      const opened = rows.map((stored) => cipher.decrypt(stored.account_number_cipher, `beneficiary.payment_channel:${stored.id}`));
      for (const [index, stored] of rows.entries()) {
        expect(issuedNumbers).toContain(opened[index]);
        expect(opened[index].endsWith(stored.account_last4)).toBe(true);
        expect(stored.account_number_cipher.toString('latin1')).not.toContain(opened[index]);
        expect(stored.whole_row).not.toContain(opened[index]);
        expect(stored.whole_row).not.toContain(Buffer.from(opened[index]).toString('hex'));
      }
      const [plain] = await db.query(
        `SELECT count(*)::int AS n FROM beneficiary.payment_channel WHERE position(convert_to($1, 'UTF8') in account_number_cipher) > 0`,
        [opened[0]],
      );
      expect(plain.n).toBe(0);
      expect(() => cipher.decrypt(rows[0].account_number_cipher, `beneficiary.payment_channel:${rows[1].id}`)).toThrow();
    });

    it('never lets a full number appear in responses, events on Kafka, the outbox or the history', async () => {
      const outbox: Array<{ text: string }> = await db.query(`SELECT envelope::text AS text FROM beneficiary.outbox_event WHERE topic LIKE 'beneficiary.account.%' AND message_key = ANY($1)`, [registered]);
      const history: Array<{ text: string }> = await db.query(`SELECT t::text AS text FROM beneficiary.payment_channel_event t WHERE beneficiary_id = ANY($1)`, [registered]);
      const kafka = consumer.messages.filter((message) => registered.includes(message.key ?? '')).map((message) => message.value?.toString() ?? '');
      expect(outbox.length).toBeGreaterThan(10);
      expect(kafka.length).toBeGreaterThan(10);
      expect(responses.length).toBeGreaterThan(10);
      for (const number of issuedNumbers) {
        for (const [where, texts] of Object.entries({ outbox: outbox.map((r) => r.text), history: history.map((r) => r.text), kafka, responses })) {
          expect({ where, leaked: texts.filter((text) => text.includes(number)).length }).toEqual({ where, leaked: 0 });
        }
      }
      for (const text of outbox.map((r) => r.text)) expect(text).toMatch(/"accountNumberMasked":"\*{4}\d{4}"/);
    });
  });

  describe('history', () => {
    it('cannot be edited, deleted or truncated, even with direct database access', async () => {
      await expect(db.query(`UPDATE beneficiary.payment_channel_event SET actor = 'someone'`)).rejects.toThrow(/append-only/);
      await expect(db.query(`DELETE FROM beneficiary.payment_channel_event`)).rejects.toThrow(/append-only/);
      await expect(db.query(`TRUNCATE beneficiary.payment_channel_event`)).rejects.toThrow(/append-only|cannot truncate/);
    });
  });
});

import {
  accountTransportContext,
  accountVerifiedV1,
  beneficiaryCeasedV1,
  instructionIssuedPayloadSchema,
  instructionIssuedV1,
  instructionReportedV1,
  payoutSettledV1,
  signPayload,
  verifyPayloadSignature,
  type BankReasonCode,
  type EventEnvelope,
} from '@app/contracts';
import { FieldCipher, KafkaService, parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { startGroupAtEnd } from '../../../test/support/consumer-groups';
import { startTestApp } from '../../../test/support/test-app';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { BANK_RESULTS_GROUP, RESULT_TOPICS } from '../src/bank-results/bank-results.consumer';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(120_000);

type Instruction = z.infer<typeof instructionIssuedPayloadSchema>;
type Behaviour = Array<{ status: 'settled' } | { status: 'rejected'; reasonCode: BankReasonCode } | { status: 'silent' }>;

const VCB = '970436';
const programme = 'PAYOUT_E2E';
const commune = '18073';

/**
 * Plays the banks, the e-wallet and the post office over Kafka: reads each institution's instruction
 * topic, checks AnSinh's signature, and answers each send of an instruction as the scenario says.
 */
class ScriptedInstitutions {
  readonly received: Instruction[] = [];
  private readonly key = createPrivateKey({ key: Buffer.from(TEST_ENV.BANK_STAND_IN_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
  private readonly ansinhKey = createPublicKey({ key: Buffer.from(TEST_ENV.ANSINH_INSTRUCTION_PUBLIC_KEY, 'base64'), format: 'der', type: 'spki' });
  badSignatures = 0;

  constructor(
    private readonly kafka: KafkaService,
    private readonly script: Map<string, Behaviour>,
  ) {}

  async onMessage(value: Buffer | null): Promise<void> {
    const envelope = JSON.parse(value!.toString('utf8')) as EventEnvelope<Instruction>;
    const instruction = instructionIssuedPayloadSchema.parse(envelope.payload);
    if (!verifyPayloadSignature(instruction, this.ansinhKey)) {
      this.badSignatures += 1;
      return;
    }
    this.received.push(instruction);
    const behaviour = this.script.get(`${instruction.creditor.name}/${instruction.institutionCode}`) ?? [{ status: 'settled' }];
    const answer = behaviour[Math.min(instruction.sendSequence, behaviour.length) - 1];
    if (answer.status === 'silent') return;
    await this.report(instruction, answer.status, answer.status === 'rejected' ? answer.reasonCode : null);
  }

  async report(instruction: Instruction, status: 'settled' | 'rejected', reasonCode: BankReasonCode | null, options: { sign?: boolean; amountDong?: string } = {}): Promise<EventEnvelope<unknown>> {
    const definition = instructionReportedV1(instruction.institutionCode);
    const payload = {
      instructionId: instruction.instructionId,
      institutionCode: instruction.institutionCode,
      status,
      reasonCode,
      reasonText: null,
      amountDong: options.amountDong ?? instruction.amountDong,
      bankReference: status === 'settled' ? `FT${instruction.instructionId.slice(0, 8)}` : null,
      reportedAt: new Date().toISOString(),
    };
    const signed = options.sign === false ? { ...payload, signature: { algorithm: 'Ed25519' as const, keyId: 'forged', value: `${'A'.repeat(86)}==` } } : signPayload({ ...payload, signature: null }, this.key, 'bank-test');
    const envelope = {
      eventId: uuidv7(),
      type: definition.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: `test-bank:${instruction.institutionCode}`,
      correlationId: instruction.instructionId,
      causationId: null,
      aggregateId: instruction.instructionId,
      payload: signed,
    };
    await this.publish(definition.topic, envelope);
    return envelope;
  }

  async publish(topic: string, envelope: object): Promise<void> {
    const producer = await this.kafka.producer();
    await producer.send({ topic, messages: [{ key: (envelope as { aggregateId: string }).aggregateId, value: JSON.stringify(envelope) }] });
  }
}

describe('payouts: maker-checker, signed instructions, bank results, retries, fallback, conservation (real Kafka, PostgreSQL, Redis)', () => {
  let app: INestApplication;
  let db: DataSource;
  let institutions: ScriptedInstitutions;
  let instructionTopics: TestConsumer;
  let cycleId: string;
  const server = () => app.getHttpServer();
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const supervisor = `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`;
  const auditor = `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`;
  const transport = FieldCipher.fromBase64(TEST_ENV.ACCOUNT_TRANSPORT_KEY);
  const people = new Map<string, string>();
  const script = new Map<string, Behaviour>([
    ['NGUYEN VAN AN/970436', [{ status: 'settled' }]],
    ['TRAN THI BINH/970436', [{ status: 'rejected', reasonCode: 'AC04' }]],
    ['LE VAN CUONG/970436', [{ status: 'rejected', reasonCode: 'TECH' }, { status: 'rejected', reasonCode: 'TECH' }, { status: 'settled' }]],
    ['HOANG THI EM/970436', [{ status: 'rejected', reasonCode: 'BE01' }]],
    ['HOANG THI EM/VNPOST', [{ status: 'rejected', reasonCode: 'NOT_COLLECTED' }]],
    ['PHAM VAN GIANG/970436', [{ status: 'rejected', reasonCode: 'MD07' }]],
    ['VU THI HOA/970436', [{ status: 'silent' }]],
  ]);

  beforeAll(async () => {
    const config = parseConfig(paymentConfigSchema, { ...TEST_ENV });
    // results of earlier runs on the shared broker are for instructions this database never issued
    await startGroupAtEnd(`${BANK_RESULTS_GROUP}${config.KAFKA_CONSUMER_GROUP_SUFFIX}`, [...RESULT_TOPICS.keys()]);
    app = await startTestApp(PaymentAppModule.forRoot(config), { config, groupId: 'payment' });
    db = app.get(DataSource);
    institutions = new ScriptedInstitutions(app.get(KafkaService), script);
    const since = Date.now();
    instructionTopics = await TestConsumer.start([VCB, 'MOMO', 'VNPOST'].map((code) => instructionIssuedV1(code).topic));
    // answer only this run's instructions (the topics outlive test databases)
    instructionTopics.onMessage((message) => {
      if (Number(message.timestamp) >= since) void institutions.onMessage(message.value);
    });
    await db.query(`INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis)
                    SELECT $1, province_code, effective_from, amount_dong, legal_basis FROM payment.allowance_standard_level WHERE programme_code = 'TC_XH'`, [programme]);
    await db.query(`INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
                    SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'`, [programme]);
  });

  afterAll(async () => {
    await instructionTopics?.stop();
    await app?.close();
  });

  const seedPayee = async (fullName: string, category: string, status = 'active') => {
    const id = uuidv7();
    people.set(fullName, id);
    await db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id)
       VALUES ($1, '042148001234', $2, $3, $4, '42', $5, $6, now(), $7)`,
      [id, fullName, programme, category, commune, status, uuidv7()],
    );
    return id;
  };

  /** The beneficiary service's event for a verified account, with the number sealed for payment. */
  const verifyAccount = async (beneficiaryId: string, account: { institution: string; number: string; priority: number }) => {
    const accountId = uuidv7();
    const ewallet = !/^\d{6}$/.test(account.institution);
    const event = accountVerifiedV1.envelope.parse({
      eventId: uuidv7(),
      type: accountVerifiedV1.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'beneficiary',
      correlationId: `test-${accountId}`,
      causationId: null,
      aggregateId: beneficiaryId,
      payload: {
        accountId,
        beneficiaryId,
        channel: ewallet ? 'ewallet' : 'bank',
        bankBin: ewallet ? null : account.institution,
        providerCode: ewallet ? account.institution : null,
        accountNumberMasked: `****${account.number.slice(-4)}`,
        priority: account.priority,
        verification: { method: 'name_enquiry', nameMatch: 'exact' },
        verifiedBy: 'system:name-enquiry',
        verifiedAt: new Date(Date.now() - 60_000).toISOString(),
        payableFrom: new Date(Date.now() - 60_000).toISOString(),
        accountNumberSealed: transport.encrypt(account.number, accountTransportContext(accountId)).toString('base64'),
      },
    });
    await institutions.publish(accountVerifiedV1.topic, event);
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.payee_account WHERE account_id = $1 AND status = 'verified'`, [accountId])).length === 1, `account of ${beneficiaryId}`);
    return accountId;
  };

  const entitlementOf = async (name: string) =>
    (await db.query(`SELECT id, status, paid_channel, final_reason, amount_dong::text FROM payment.entitlement WHERE beneficiary_id = $1 AND cycle_id = $2`, [people.get(name), cycleId]))[0];
  const attemptsOf = async (name: string) =>
    db.query(
      `SELECT a.attempt_number, a.institution_code, a.status, a.reason_code, a.send_count, a.instruction_id
         FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id WHERE e.beneficiary_id = $1 ORDER BY a.attempt_number`,
      [people.get(name)],
    );

  it('prepares one batch per institution; only another person approves, and only the content they saw', async () => {
    const an = await seedPayee('NGUYEN VAN AN', 'NCT_80');
    const binh = await seedPayee('TRAN THI BINH', 'KT_NANG');
    const cuong = await seedPayee('LE VAN CUONG', 'NCT_80');
    const dung = await seedPayee('DO VAN DUNG', 'KT_DB_NANG');
    const em = await seedPayee('HOANG THI EM', 'NCT_80');
    const giang = await seedPayee('PHAM VAN GIANG', 'NCT_80');
    const hoa = await seedPayee('VU THI HOA', 'NCT_80');
    await seedPayee('NGO VAN KHANH', 'NCT_80', 'suspended');
    for (const [id, number] of [[an, '0071000000001'], [binh, '0071000000002'], [cuong, '0071000000003'], [em, '0071000000005'], [giang, '0071000000006'], [hoa, '0071000000007']] as const) {
      await verifyAccount(id, { institution: VCB, number, priority: 1 });
    }
    await verifyAccount(binh, { institution: 'MOMO', number: '0912345678', priority: 2 });

    const cycle = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2026-12' }).expect(201);
    cycleId = cycle.body.id;
    expect(cycle.body).toMatchObject({ entitledCount: 7, entitledDong: '4250000' }); // 5 × 500,000 + 750,000 + 1,000,000

    const prepared = await request(server()).post(`/cycles/${cycleId}/batches`).set('authorization', officer).expect(200);
    expect(prepared.body.map((batch: { institutionCode: string; itemCount: number; totalDong: string }) => [batch.institutionCode, batch.itemCount, batch.totalDong])).toEqual([
      [VCB, 6, '3250000'],
      ['VNPOST', 1, '1000000'], // Dũng has no account: cash at the post office
    ]);
    const vcb = prepared.body[0];

    // Dũng's account is verified between preparation and approval: preparing again changes both batches.
    await verifyAccount(dung, { institution: VCB, number: '0071000000004', priority: 1 });
    const again = await request(server()).post(`/cycles/${cycleId}/batches`).set('authorization', officer).expect(200);
    expect(again.body.map((batch: { institutionCode: string; itemCount: number; totalDong: string }) => [batch.institutionCode, batch.itemCount, batch.totalDong])).toEqual([[VCB, 7, '4250000']]);
    const stale = await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', supervisor).send({ contentHash: vcb.contentHash }).expect(409);
    expect(stale.body.code).toBe('PAYMENT.BATCH_CHANGED');

    await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', officer).send({ contentHash: again.body[0].contentHash }).expect(403);
    const samePerson: Principal = { sub: PRINCIPALS.haTinhOfficer.sub, role: 'supervisor', provinceCode: '42' };
    const selfApproval = await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', `Bearer ${tokenFor(samePerson)}`).send({ contentHash: again.body[0].contentHash }).expect(403);
    expect(selfApproval.body.code).toBe('PAYMENT.FOUR_EYES');
    const haNoiSupervisor: Principal = { sub: 'lanh.dao.ha.noi', role: 'supervisor', provinceCode: '01' };
    await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', `Bearer ${tokenFor(haNoiSupervisor)}`).send({ contentHash: again.body[0].contentHash }).expect(403);
    expect((await db.query(`SELECT count(*)::int AS sent FROM payment.payout_attempt WHERE batch_id = $1 AND status <> 'planned'`, [vcb.id]))[0].sent).toBe(0);

    const approved = await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', supervisor).send({ contentHash: again.body[0].contentHash }).expect(200);
    expect(approved.body).toMatchObject({ status: 'dispatched', approvedBy: `supervisor:${PRINCIPALS.haTinhSupervisor.sub}`, itemCount: 7, totalDong: '4250000' });
    // the same approval repeated is answered the same way and sends nothing more
    await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', supervisor).send({ contentHash: again.body[0].contentHash }).expect(200);
    const other: Principal = { sub: 'pho.giam.doc', role: 'supervisor', provinceCode: '42' };
    expect((await request(server()).post(`/batches/${vcb.id}/approve`).set('authorization', `Bearer ${tokenFor(other)}`).send({ contentHash: again.body[0].contentHash }).expect(409)).body.code).toBe('PAYMENT.BATCH_ALREADY_APPROVED');
  });

  it('sends signed instructions with the full account number only to its bank, and drives every entitlement to one final state', async () => {
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS open FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight')`, [cycleId]))[0].open === 0, 'every payout final', 60_000, 200);
    expect(institutions.badSignatures).toBe(0);
    const firstToAn = institutions.received.find((instruction) => instruction.creditor.name === 'NGUYEN VAN AN')!;
    expect(firstToAn).toMatchObject({ institutionCode: VCB, channel: 'bank', amountDong: '500000', currency: 'VND', creditor: { accountNumber: '0071000000001', cccd: null }, sendSequence: 1 });

    expect(await entitlementOf('NGUYEN VAN AN')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    // AC04 (closed account) → the next account, the MoMo wallet
    expect(await entitlementOf('TRAN THI BINH')).toMatchObject({ status: 'paid', paid_channel: 'ewallet', amount_dong: '750000' });
    expect((await attemptsOf('TRAN THI BINH')).map((row: { institution_code: string; status: string; reason_code: string | null }) => [row.institution_code, row.status, row.reason_code])).toEqual([
      [VCB, 'rejected', 'AC04'],
      ['MOMO', 'settled', null],
    ]);
    // TECH twice, then settled: one attempt, one instruction id, sent three times
    expect(await entitlementOf('LE VAN CUONG')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    const cuong = await attemptsOf('LE VAN CUONG');
    expect(cuong).toHaveLength(1);
    expect(cuong[0]).toMatchObject({ status: 'settled', send_count: 3 });
    expect(institutions.received.filter((instruction) => instruction.instructionId === cuong[0].instruction_id).map((instruction) => instruction.sendSequence)).toEqual([1, 2, 3]);
    expect(await entitlementOf('DO VAN DUNG')).toMatchObject({ status: 'paid', paid_channel: 'bank', amount_dong: '1000000' });
    // name mismatch → no other account → cash, which was not collected → held for the officer, not lost
    expect(await entitlementOf('HOANG THI EM')).toMatchObject({ status: 'held', final_reason: 'NOT_COLLECTED' });
    const cashForEm = institutions.received.find((instruction) => instruction.creditor.name === 'HOANG THI EM' && instruction.institutionCode === 'VNPOST')!;
    expect(cashForEm).toMatchObject({ channel: 'cash', creditor: { accountNumber: null, cccd: '042148001234' } });
    // deceased → held, never sent to cash
    expect(await entitlementOf('PHAM VAN GIANG')).toMatchObject({ status: 'held', final_reason: 'MD07' });
    expect((await attemptsOf('PHAM VAN GIANG')).map((row: { institution_code: string }) => row.institution_code)).toEqual([VCB]);
    // never answered: the same instruction sent PAYOUT_MAX_SENDS times, then held (the bank may have paid)
    expect(await entitlementOf('VU THI HOA')).toMatchObject({ status: 'held', final_reason: 'TIMEOUT' });
    const hoa = await attemptsOf('VU THI HOA');
    expect(hoa).toEqual([expect.objectContaining({ status: 'unanswered', send_count: 3 })]);
  });

  it('balances the cycle exactly, and a replay of every result changes nothing', async () => {
    const report = async () => (await request(server()).get(`/cycles/${cycleId}/conservation`).set('authorization', auditor).expect(200)).body;
    const before = await report();
    expect(before.balanced).toBe(true);
    expect(before.total).toMatchObject({
      entitled: { count: 7, dong: '4250000' },
      paid: { bank: { count: 3, dong: '2000000' }, ewallet: { count: 1, dong: '750000' }, cash: { count: 0, dong: '0' } },
      awaitingApproval: { count: 0, dong: '0' },
      inFlight: { count: 0, dong: '0' },
      held: { NOT_COLLECTED: { count: 1, dong: '500000' }, MD07: { count: 1, dong: '500000' }, TIMEOUT: { count: 1, dong: '500000' } },
      unexplained: { count: 0, dong: '0' },
    });
    const eventsBefore = (await db.query(`SELECT count(*)::int AS n FROM payment.payout_event`))[0].n;

    // every instruction answered again with what it got (a bank resending its results): nothing changes
    const replays: EventEnvelope<unknown>[] = [];
    for (const instruction of institutions.received.filter((item) => item.sendSequence === 1)) {
      const [attempt] = await db.query(`SELECT status, reason_code FROM payment.payout_attempt WHERE instruction_id = $1`, [instruction.instructionId]);
      if (attempt.status === 'settled') replays.push(await institutions.report(instruction, 'settled', null));
      if (attempt.status === 'rejected') replays.push(await institutions.report(instruction, 'rejected', attempt.reason_code));
    }
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM payment.inbox_event WHERE event_id = ANY($1::uuid[])`, [replays.map((event) => event.eventId)]))[0].n === replays.length, 'the replayed results');
    expect((await db.query(`SELECT count(*)::int AS n FROM payment.payout_event`))[0].n).toBe(eventsBefore);

    // a contradicting late answer is flagged for operations and applied to nothing
    const toAn = institutions.received.find((instruction) => instruction.creditor.name === 'NGUYEN VAN AN')!;
    const contradiction = await institutions.report(toAn, 'rejected', 'AC01');
    await waitFor(async () => (await db.query(`SELECT 1 FROM payment.inbox_event WHERE event_id = $1`, [contradiction.eventId])).length === 1, 'the contradicting result');
    expect(await entitlementOf('NGUYEN VAN AN')).toMatchObject({ status: 'paid', paid_channel: 'bank' });
    expect(await db.query(`SELECT kind, reason_code FROM payment.payout_event WHERE entitlement_id = $1 AND kind = 'result_flagged'`, [(await entitlementOf('NGUYEN VAN AN')).id])).toEqual([
      { kind: 'result_flagged', reason_code: 'CONTRADICTORY_RESULT' },
    ]);

    // a forged result goes to the dead-letter topic and changes nothing
    const dlq = await TestConsumer.start([`${instructionReportedV1(VCB).topic}.dlq`]);
    try {
      const forged = await institutions.report(toAn, 'rejected', 'AC04', { sign: false });
      const dead = await dlq.waitFor((message) => message.value?.toString('utf8').includes(forged.eventId) ?? false, 'the forged result in the DLQ');
      expect(dead.headers['x-dlq-reason']).toBe('REJECTED');
      expect(dead.headers['x-dlq-detail']).toContain('PAYMENT.RESULT_BAD_SIGNATURE');
    } finally {
      await dlq.stop();
    }
    const after = await report();
    expect(after.total).toEqual(before.total);
    expect(after.violations).toEqual({ paidWithoutOneSettlement: 0, settledButNotPaid: 0, settledAmountDiffers: 0, moreThanOneSettlement: 0, openAfterClose: 0 });

    // the settled events went out for the notification service, one per paid entitlement
    const settled = await TestConsumer.start([payoutSettledV1.topic]);
    try {
      for (const name of ['NGUYEN VAN AN', 'TRAN THI BINH', 'LE VAN CUONG', 'DO VAN DUNG']) {
        const id = (await entitlementOf(name)).id;
        await settled.waitFor((message) => message.key === id, `payout.settled of ${name}`);
        expect(settled.messages.filter((message) => message.key === id)).toHaveLength(1);
      }
    } finally {
      await settled.stop();
    }
  });

  it('closes the cycle only when balanced and final, and keeps a verifiable history of every payout', async () => {
    const closed = await request(server()).post(`/cycles/${cycleId}/close`).set('authorization', supervisor).expect(200);
    expect(closed.body).toMatchObject({ cycleStatus: 'closed', balanced: true });
    expect((await request(server()).post(`/cycles/${cycleId}/batches`).set('authorization', officer).expect(409)).body.code).toBe('PAYMENT.CYCLE_CLOSED');
    const verified = await request(server()).get('/audit/verify').set('authorization', auditor).expect(200);
    expect(verified.body).toMatchObject({ intact: true, payouts: { intact: true } });
    expect(verified.body.payouts.events).toBeGreaterThanOrEqual(30);
    await expect(db.query(`DELETE FROM payment.payout_event WHERE entitlement_id = $1`, [(await entitlementOf('VU THI HOA')).id])).rejects.toThrow(/append-only/);
  });

  it('answers auditors by CCCD, cycle, institution and status, with each payout timeline and a CSV export; officers see only their area', async () => {
    const byCycle = await request(server()).get('/payouts').query({ cycleId, status: 'held' }).set('authorization', auditor).expect(200);
    expect(byCycle.body.items.map((item: { finalReason: string }) => item.finalReason).sort()).toEqual(['MD07', 'NOT_COLLECTED', 'TIMEOUT']);
    expect(byCycle.body.items[0].cccdMasked).not.toContain('042148001234');
    const viaMomo = await request(server()).get('/payouts').query({ cycleId, institutionCode: 'MOMO' }).set('authorization', auditor).expect(200);
    expect(viaMomo.body.items).toEqual([expect.objectContaining({ beneficiaryId: people.get('TRAN THI BINH'), status: 'paid', paidChannel: 'ewallet', attempts: 2 })]);
    const haNoi = await request(server()).get('/payouts').query({ cycleId }).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(200);
    expect(haNoi.body.items).toEqual([]);
    await request(server()).get('/payouts').query({ cccd: '12345' }).set('authorization', auditor).expect(400);

    const binh = (await entitlementOf('TRAN THI BINH')).id;
    const timeline = await request(server()).get(`/payouts/${binh}/timeline`).set('authorization', auditor).expect(200);
    expect(timeline.body.events.map((event: { kind: string }) => event.kind)).toEqual(['prepared', 'approved', 'sent', 'rejected', 'sent', 'settled']);
    expect(timeline.body.events[3]).toMatchObject({ reasonCode: 'AC04', actor: `bank:${VCB}` });
    expect(timeline.body.attempts.map((attempt: { institutionCode: string; accountNumberMasked: string }) => [attempt.institutionCode, attempt.accountNumberMasked])).toEqual([
      [VCB, '****0002'],
      ['MOMO', '****5678'],
    ]);
    await request(server()).get(`/payouts/${binh}/timeline`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(404);

    const csv = await request(server()).get('/payouts/export.csv').query({ cycleId }).set('authorization', auditor).expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('ma_khoan_huong,cccd,chuong_trinh,ky,loai,so_tien_dong,ma_tinh,ma_xa,trang_thai,kenh_da_chi,ly_do,to_chuc_chi_tra,so_lan_chi');
    expect(lines).toHaveLength(1 + 7);
    expect(csv.text).not.toContain('042148001234');
  });

  it('cancels the months after a death that were not yet sent, with the reason', async () => {
    const next = await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2027-01' }).expect(201);
    const an = people.get('NGUYEN VAN AN')!;
    const [owed] = await db.query(`SELECT id, status FROM payment.entitlement WHERE cycle_id = $1 AND beneficiary_id = $2`, [next.body.id, an]);
    expect(owed.status).toBe('awaiting_approval');
    const ceased = beneficiaryCeasedV1.envelope.parse({
      eventId: uuidv7(),
      type: beneficiaryCeasedV1.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      producer: 'beneficiary',
      correlationId: `test-cease-${an}`,
      causationId: null,
      aggregateId: an,
      payload: { beneficiaryId: an, programmeCode: programme, provinceCode: '42', communeCode: commune, reasonCode: 'DECEASED', changedBy: 'system:death-feed', changedAt: '2026-12-20T08:00:00+07:00', effectiveDate: '2026-12-18', paymentsStopFrom: '2027-01-01', opensFuneralSupport: true },
    });
    await institutions.publish(beneficiaryCeasedV1.topic, ceased);
    await waitFor(async () => (await db.query(`SELECT status FROM payment.entitlement WHERE id = $1`, [owed.id]))[0].status === 'cancelled', 'the January entitlement cancelled');
    expect(await db.query(`SELECT status, final_reason FROM payment.entitlement WHERE id = $1`, [owed.id])).toEqual([{ status: 'cancelled', final_reason: 'CEASED_DECEASED' }]);
    // December, already paid, stays paid
    expect(await entitlementOf('NGUYEN VAN AN')).toMatchObject({ status: 'paid' });
  });
});

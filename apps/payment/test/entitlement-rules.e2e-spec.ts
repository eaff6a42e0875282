import {
  accountTransportContext,
  beneficiaryCeasedV1,
  beneficiaryRegisteredV1,
  instructionIssuedPayloadSchema,
  instructionIssuedV1,
  instructionReportedV1,
  signPayload,
  type BankReasonCode,
  type EventEnvelope,
} from '@app/contracts';
import { FieldCipher, KafkaService, parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { createPrivateKey } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { startTestApp } from '../../../test/support/test-app';
import { registeredEvent } from '../../../test/support/registered-event';
import { TestConsumer } from '../../../test/support/test-consumer';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';
import { instructionIdFor } from '../src/payouts/payout-state';

jest.setTimeout(120_000);

type Instruction = z.infer<typeof instructionIssuedPayloadSchema>;
// silent: the institution never answers, as a bank whose system lost the instruction
type Answer = { status: 'settled' } | { status: 'rejected'; reasonCode: BankReasonCode } | { status: 'silent' };

const VCB = '970436';
const commune = '18073';

/**
 * Plays the banks and the post office over Kafka for this run's payouts only (the topics are shared
 * with other runs): the n-th distinct instruction to a creditor at an institution gets the n-th answer.
 */
class ScriptedInstitutions {
  readonly received: Instruction[] = [];
  private readonly key = createPrivateKey({ key: Buffer.from(TEST_ENV.BANK_STAND_IN_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' });
  private readonly seen = new Map<string, string[]>();

  constructor(
    private readonly kafka: KafkaService,
    private readonly db: DataSource,
    readonly script: Map<string, Answer[]>,
  ) {}

  async onMessage(value: Buffer | null): Promise<void> {
    const instruction = instructionIssuedPayloadSchema.parse((JSON.parse(value!.toString('utf8')) as EventEnvelope<Instruction>).payload);
    if ((await this.db.query(`SELECT 1 FROM payment.entitlement WHERE id = $1`, [instruction.endToEndId])).length === 0) return;
    this.received.push(instruction);
    const key = `${instruction.creditor.name}/${instruction.institutionCode}`;
    const ids = this.seen.get(key) ?? [];
    if (!ids.includes(instruction.instructionId)) ids.push(instruction.instructionId);
    this.seen.set(key, ids);
    const answers = this.script.get(key) ?? [{ status: 'settled' }];
    await this.answer(instruction, answers[Math.min(ids.indexOf(instruction.instructionId), answers.length - 1)]);
  }

  async answer(instruction: Instruction, answer: Answer): Promise<void> {
    if (answer.status === 'silent') return;
    const definition = instructionReportedV1(instruction.institutionCode);
    const payload = signPayload(
      {
        instructionId: instruction.instructionId,
        institutionCode: instruction.institutionCode,
        status: answer.status,
        reasonCode: answer.status === 'rejected' ? answer.reasonCode : null,
        reasonText: null,
        amountDong: instruction.amountDong,
        bankReference: answer.status === 'settled' ? `FT${instruction.instructionId.slice(0, 8)}` : null,
        reportedAt: new Date().toISOString(),
        signature: null,
      },
      this.key,
      'bank-test',
    );
    await this.publish(definition.topic, envelope(definition.type, instruction.instructionId, payload));
  }

  async publish(topic: string, message: { aggregateId: string }): Promise<void> {
    const producer = await this.kafka.producer();
    await producer.send({ topic, messages: [{ key: message.aggregateId, value: JSON.stringify(message) }] });
  }
}

function envelope(type: string, aggregateId: string, payload: unknown, eventId = uuidv7()) {
  return { eventId, type, version: 1, occurredAt: new Date().toISOString(), producer: 'beneficiary', correlationId: `test-${aggregateId}`, causationId: null, aggregateId, payload };
}

describe('entitlement rules and officers’ decisions: funeral support, level changes with arrears, held payouts (real Kafka, PostgreSQL, Redis)', () => {
  let app: INestApplication;
  let db: DataSource;
  let institutions: ScriptedInstitutions;
  let instructionTopics: TestConsumer;
  const server = () => app.getHttpServer();
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const supervisor = `Bearer ${tokenFor(PRINCIPALS.haTinhSupervisor)}`;
  const auditor = `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`;
  const admin = `Bearer ${tokenFor({ sub: 'quan.tri.bo', role: 'admin' })}`;
  const transport = FieldCipher.fromBase64(TEST_ENV.ACCOUNT_TRANSPORT_KEY);

  beforeAll(async () => {
    const config = parseConfig(paymentConfigSchema, { ...TEST_ENV });
    app = await startTestApp(PaymentAppModule.forRoot(config), { config, groupId: 'payment' });
    db = app.get(DataSource);
    institutions = new ScriptedInstitutions(app.get(KafkaService), db, new Map());
    const since = Date.now();
    instructionTopics = await TestConsumer.start([VCB, 'VNPOST'].map((code) => instructionIssuedV1(code).topic));
    instructionTopics.onMessage((message) => {
      if (Number(message.timestamp) >= since) void institutions.onMessage(message.value);
    });
  });

  afterAll(async () => {
    await instructionTopics?.stop();
    await app?.close();
  });

  /** A test programme with the social-allowance coefficients and the given levels (and funeral rule). */
  const programmeWith = async (programme: string, levels: Array<[string, number]>, funeral: boolean) => {
    for (const [from, amount] of levels) {
      await db.query(`INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis) VALUES ($1, NULL, $2, $3, 'Nghị định 20/2021/NĐ-CP')`, [programme, from, amount]);
    }
    await db.query(`INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
                    SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'`, [programme]);
    if (funeral) await db.query(`INSERT INTO payment.funeral_support_rule (programme_code, effective_from, level_multiple, legal_basis) VALUES ($1, '2021-07-01', 20, 'Nghị định 20/2021/NĐ-CP, Điều 11')`, [programme]);
  };
  const seedPayee = async (programme: string, fullName: string, category: string, registeredStatus = 'active') => {
    const id = uuidv7();
    await db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id, registered_status)
       VALUES ($1, '042148001234', $2, $3, $4, '42', $5, $6, now(), $7, $6)`,
      [id, fullName, programme, category, commune, registeredStatus, uuidv7()],
    );
    return id;
  };
  const verifiedAccount = async (beneficiaryId: string, number: string) => {
    const accountId = uuidv7();
    await db.query(
      `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, account_number_sealed, priority, status, payable_from, state_at)
       VALUES ($1, $2, 'bank', $3, $4, $5, 1, 'verified', now() - interval '1 day', now())`,
      [accountId, beneficiaryId, VCB, `****${number.slice(-4)}`, transport.encrypt(number, accountTransportContext(accountId)).toString('base64')],
    );
    return accountId;
  };
  const cease = async (beneficiaryId: string, programme: string, effectiveDate: string, eventId = uuidv7()) => {
    const event = beneficiaryCeasedV1.envelope.parse(
      envelope(
        beneficiaryCeasedV1.type,
        beneficiaryId,
        {
          beneficiaryId, programmeCode: programme, provinceCode: '42', communeCode: commune, reasonCode: 'DECEASED', changedBy: 'system:death-feed',
          changedAt: `${effectiveDate}T09:00:00+07:00`, effectiveDate, paymentsStopFrom: nextMonth(effectiveDate), opensFuneralSupport: true,
        },
        eventId,
      ),
    );
    await institutions.publish(beneficiaryCeasedV1.topic, event);
    return event;
  };
  const consumed = (eventId: string) => waitFor(async () => (await db.query(`SELECT 1 FROM payment.inbox_event WHERE event_id = $1`, [eventId])).length === 1, `event ${eventId} consumed`);
  const conservation = async (cycleId: string) => (await request(server()).get(`/cycles/${cycleId}/conservation`).set('authorization', auditor).expect(200)).body;
  const entitlement = async (id: string) => (await db.query(`SELECT status, paid_channel, final_reason, amount_dong::text FROM payment.entitlement WHERE id = $1`, [id]))[0];
  const prepareAndApprove = async (cycleId: string) => {
    const batches = (await request(server()).post(`/cycles/${cycleId}/batches`).set('authorization', officer).expect(200)).body;
    for (const batch of batches) await request(server()).post(`/batches/${batch.id}/approve`).set('authorization', supervisor).send({ contentHash: batch.contentHash }).expect(200);
    return batches;
  };

  describe('funeral support', () => {
    const programme = 'FUNERAL_E2E';
    let deceased: string;
    let funeralId: string;
    let funeralCycle: string;

    it('opens exactly one 10,000,000-đồng support per death of a confirmed social-assistance beneficiary, whatever is redelivered', async () => {
      await programmeWith(programme, [['2021-07-01', 360_000], ['2024-07-01', 500_000]], true);
      await programmeWith('NCC_FUNERAL_E2E', [['2024-07-01', 2_789_000]], false);
      deceased = await seedPayee(programme, 'NGUYEN VAN TAM', 'NCT_80');
      const neverVerified = await seedPayee(programme, 'LE THI NHAN', 'NCT_80', 'pending_verification');
      const meritorious = await seedPayee('NCC_FUNERAL_E2E', 'TRAN VAN CONG', 'NCC');

      const death = await cease(deceased, programme, '2026-11-20');
      await institutions.publish(beneficiaryCeasedV1.topic, death); // the broker delivering it again
      const secondReport = await cease(deceased, programme, '2026-11-20'); // the registry reporting it again under a new id
      const others = [await cease(neverVerified, programme, '2026-11-21'), await cease(meritorious, 'NCC_FUNERAL_E2E', '2026-11-22')];
      for (const event of [death, secondReport, ...others]) await consumed(event.eventId);

      const funerals = await db.query(
        `SELECT e.id, e.cycle_id, e.amount_dong::text, e.level_dong::text, e.status, e.period, c.kind AS cycle_kind
           FROM payment.entitlement e JOIN payment.payout_cycle c ON c.id = e.cycle_id WHERE e.kind = 'funeral' AND e.beneficiary_id = ANY($1::uuid[])`,
        [[deceased, neverVerified, meritorious]],
      );
      expect(funerals).toEqual([expect.objectContaining({ amount_dong: '10000000', level_dong: '500000', status: 'awaiting_claim', period: '2026-11', cycle_kind: 'funeral' })]);
      funeralId = funerals[0].id;
      funeralCycle = funerals[0].cycle_id;

      // waiting for its claimant, it is still owed: counted as awaiting, and the cycle balances
      const report = await conservation(funeralCycle);
      expect(report).toMatchObject({ balanced: true, total: { entitled: { count: 1, dong: '10000000' }, awaitingApproval: { count: 1, dong: '10000000' }, unexplained: { count: 0, dong: '0' } } });
      expect((await request(server()).post(`/cycles/${funeralCycle}/close`).set('authorization', supervisor).expect(409)).body.code).toBe('PAYMENT.CYCLE_HAS_OPEN_PAYOUTS');
      expect((await request(server()).get(`/cycles/${funeralCycle}`).set('authorization', officer).expect(200)).body).toMatchObject({ kind: 'funeral', period: '2026-11', entitledCount: 1, entitledDong: '10000000' });
      // nothing to batch before the claimant is known
      expect((await request(server()).post(`/cycles/${funeralCycle}/batches`).set('authorization', officer).expect(200)).body).toEqual([]);
    });

    let unclaimed: { id: string; cycle_id: string };

    it('opens it when the registration arrives after the death (events of one person come on several topics)', async () => {
      const registered = registeredEvent({ programmeCode: programme, categoryCode: 'NCT_80', provinceCode: '42', communeCode: commune, status: 'active' });
      const id = registered.payload.beneficiaryId;
      const death = await cease(id, programme, '2026-11-10');
      await consumed(death.eventId);
      expect(await db.query(`SELECT 1 FROM payment.entitlement WHERE beneficiary_id = $1`, [id])).toEqual([]);
      await institutions.publish(beneficiaryRegisteredV1.topic, registered);
      await consumed(registered.eventId);
      expect(await db.query(`SELECT kind, amount_dong::text, status FROM payment.entitlement WHERE beneficiary_id = $1`, [id])).toEqual([{ kind: 'funeral', amount_dong: '10000000', status: 'awaiting_claim' }]);
      [unclaimed] = await db.query(`SELECT id, cycle_id FROM payment.entitlement WHERE beneficiary_id = $1`, [id]);
    });

    it('lets a supervisor close a support nobody claims, with that reason, so its cycle balances and closes', async () => {
      const wrongReason = await request(server()).post(`/payouts/${unclaimed.id}/cancel`).set('authorization', supervisor).send({ reasonCode: 'UNCLAIMED', note: 'Không có người nhận' }).expect(409);
      expect(wrongReason.body.code).toBe('PAYMENT.PAYOUT_NOT_HELD');
      await request(server()).post(`/payouts/${unclaimed.id}/cancel`).set('authorization', supervisor).send({ reasonCode: 'FUNERAL_NOT_CLAIMED', note: 'Quá hạn, không có người lo mai táng đề nghị' }).expect(200);
      expect(await conservation(unclaimed.cycle_id)).toMatchObject({ balanced: true, total: { cancelled: { FUNERAL_NOT_CLAIMED: { count: 1, dong: '10000000' } }, awaitingApproval: { count: 0 } } });
      await request(server()).post(`/cycles/${unclaimed.cycle_id}/close`).set('authorization', supervisor).expect(200);
    });

    it('records the claimant after the same checks as a beneficiary, only in the officer’s area and only once', async () => {
      const claim = {
        claimant: { fullName: 'Nguyễn Thị Mai', cccd: '042168001235', dateOfBirth: '1968-04-02', gender: 'female', relationship: 'child' },
        payTo: { channel: 'bank', institutionCode: VCB, accountNumber: '0071 000 999 888' },
      };
      const badCccd = await request(server()).post(`/funeral-supports/${funeralId}/claim`).set('authorization', officer).send({ ...claim, claimant: { ...claim.claimant, gender: 'male' } }).expect(400);
      expect(badCccd.body).toMatchObject({ code: 'PAYMENT.INVALID_CCCD', message: 'Giới tính mã hóa trong CCCD không khớp với giới tính đã khai.' });
      await request(server()).post(`/funeral-supports/${funeralId}/claim`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).send(claim).expect(403);
      await request(server()).post(`/funeral-supports/${funeralId}/claim`).set('authorization', supervisor).send(claim).expect(403);
      expect(await entitlement(funeralId)).toMatchObject({ status: 'awaiting_claim' });

      const recorded = await request(server()).post(`/funeral-supports/${funeralId}/claim`).set('authorization', officer).send(claim).expect(200);
      expect(recorded.body).toMatchObject({ status: 'awaiting_approval', amountDong: '10000000', claim: { claimantCccdMasked: '*********235', relationship: 'child', channel: 'bank', institutionCode: VCB, accountNumberMasked: '****9888' } });
      expect((await request(server()).post(`/funeral-supports/${funeralId}/claim`).set('authorization', officer).send(claim).expect(409)).body.code).toBe('PAYMENT.FUNERAL_ALREADY_CLAIMED');
      const [sealed] = await db.query(`SELECT account_number_sealed FROM payment.funeral_claim WHERE entitlement_id = $1`, [funeralId]);
      expect(sealed.account_number_sealed).not.toContain('0071000999888');
    });

    it('pays the claimant through the normal batch — a rejected account falls back to cash in the claimant’s name, never held as the deceased’s', async () => {
      institutions.script.set(`Nguyễn Thị Mai/${VCB}`, [{ status: 'rejected', reasonCode: 'AC04' }]);
      const batches = await prepareAndApprove(funeralCycle);
      expect(batches.map((batch: { institutionCode: string; itemCount: number; totalDong: string }) => [batch.institutionCode, batch.itemCount, batch.totalDong])).toEqual([[VCB, 1, '10000000']]);
      await waitFor(async () => (await entitlement(funeralId)).status === 'paid', 'the funeral support paid');
      expect(await entitlement(funeralId)).toMatchObject({ status: 'paid', paid_channel: 'cash' });
      const sent = institutions.received.filter((instruction) => instruction.endToEndId === funeralId);
      expect(sent.map((instruction) => [instruction.institutionCode, instruction.creditor.name, instruction.creditor.accountNumber, instruction.creditor.cccd, instruction.amountDong])).toEqual([
        [VCB, 'Nguyễn Thị Mai', '0071000999888', null, '10000000'],
        ['VNPOST', 'Nguyễn Thị Mai', null, '042168001235', '10000000'],
      ]);
      expect(sent[0].remittanceInformation).toContain('ho tro mai tang');
      const report = await conservation(funeralCycle);
      expect(report).toMatchObject({ balanced: true, total: { paid: { cash: { count: 1, dong: '10000000' } }, awaitingApproval: { count: 0 } } });
      const timeline = await request(server()).get(`/payouts/${funeralId}/timeline`).set('authorization', auditor).expect(200);
      expect(timeline.body.events.map((event: { kind: string }) => event.kind)).toEqual(['opened', 'claim_recorded', 'prepared', 'approved', 'sent', 'rejected', 'sent', 'settled']);
    });
  });

  describe('a new standard level re-computes what is not yet approved and pays arrears for what was', () => {
    const programme = 'LEVEL_E2E';
    let july: string;
    let august: string;
    let levelId: string;
    let an: string;
    let binh: string;

    it('records Decree 76/2024’s 500,000 from 1 Jul 2024 over July paid and August prepared at 360,000', async () => {
      await programmeWith(programme, [['2021-07-01', 360_000]], true);
      an = await seedPayee(programme, 'PHAN VAN AN', 'NCT_80');
      binh = await seedPayee(programme, 'DANG THI BINH', 'KT_NANG');
      july = (await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2024-07' }).expect(201)).body.id;
      await prepareAndApprove(july);
      await waitFor(async () => (await conservation(july)).total.paid.cash.count === 2, 'July paid');
      // registered after the July list and died on 10 July 2024, before the decree was applied: 20 × 360,000 until the new level is recorded
      const cuong = await seedPayee(programme, 'HO VAN CUONG', 'NCT_80');
      await consumed((await cease(cuong, programme, '2024-07-10')).eventId);
      const [funeral] = await db.query(`SELECT id, amount_dong::text FROM payment.entitlement WHERE beneficiary_id = $1 AND kind = 'funeral'`, [cuong]);
      expect(funeral.amount_dong).toBe('7200000');
      const augustCycle = (await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2024-08' }).expect(201)).body;
      august = augustCycle.id;
      expect(augustCycle.entitledDong).toBe('900000'); // 360,000 + 540,000
      const [augustBatch] = (await request(server()).post(`/cycles/${august}/batches`).set('authorization', officer).expect(200)).body;

      const level = { programmeCode: programme, amountDong: '500000', effectiveFrom: '2024-07-01', legalBasis: 'Nghị định 76/2024/NĐ-CP' };
      await request(server()).post('/allowance-levels').set('authorization', supervisor).send(level).expect(403);
      expect((await request(server()).post('/allowance-levels').set('authorization', admin).send({ ...level, effectiveFrom: '2024-07-15' }).expect(400)).body.code).toBeDefined();
      const below = await request(server()).post('/allowance-levels').set('authorization', admin).send({ ...level, provinceCode: '42', amountDong: '300000' }).expect(422);
      expect(below.body.code).toBe('PAYMENT.LEVEL_BELOW_NATIONAL');

      const recorded = await request(server()).post('/allowance-levels').set('authorization', admin).send(level).expect(201);
      levelId = recorded.body.levelId;
      expect(recorded.body).toMatchObject({
        recomputed: { count: 3, fromDong: '8100000', toDong: '11250000' }, // August 900,000 → 1,250,000; the funeral 7,200,000 → 10,000,000
        arrears: { count: 2, dong: '350000', skippedDeceased: 0 }, // July: 140,000 + 210,000
      });

      expect(recorded.body.recomputed.cycleIds).toContain(august);
      expect(await entitlement(funeral.id)).toMatchObject({ amount_dong: '10000000', status: 'awaiting_claim' });
      // the August batch no longer matches what the supervisor would approve: it is prepared again
      expect((await request(server()).post(`/batches/${augustBatch.id}/approve`).set('authorization', supervisor).send({ contentHash: augustBatch.contentHash }).expect(409)).body.code).toBe('PAYMENT.BATCH_CHANGED');
      const [again] = (await request(server()).post(`/cycles/${august}/batches`).set('authorization', officer).expect(200)).body;
      expect(again).toMatchObject({ itemCount: 2, totalDong: '1250000' });
      expect((await conservation(august))).toMatchObject({ balanced: true, total: { entitled: { count: 2, dong: '1250000' } } });
      const events = await db.query(`SELECT detail FROM payment.payout_event WHERE kind = 'recomputed' AND entitlement_id IN (SELECT id FROM payment.entitlement WHERE cycle_id = $1) ORDER BY detail->>'toDong'`, [august]);
      expect(events.map((row: { detail: { fromDong: string; toDong: string } }) => [row.detail.fromDong, row.detail.toDong])).toEqual([['360000', '500000'], ['540000', '750000']]);
    });

    it('pays the arrears through their own cycle, and running the re-computation again adds nothing', async () => {
      const owed = await db.query(`SELECT beneficiary_id, period, amount_dong::text, cycle_id, arrears_rule_id::text FROM payment.entitlement WHERE kind = 'arrears' AND programme_code = $1 ORDER BY amount_dong`, [programme]);
      expect(owed.map((row: { beneficiary_id: string; period: string; amount_dong: string; arrears_rule_id: string }) => [row.beneficiary_id, row.period, row.amount_dong, row.arrears_rule_id])).toEqual([
        [an, '2024-07', '140000', levelId],
        [binh, '2024-07', '210000', levelId],
      ]);
      const arrearsCycle = owed[0].cycle_id;
      const again = await request(server()).post(`/allowance-levels/${levelId}/recompute`).set('authorization', admin).expect(200);
      expect(again.body).toMatchObject({ recomputed: { count: 0 }, arrears: { count: 0, dong: '0' } });
      await prepareAndApprove(arrearsCycle);
      await waitFor(async () => (await conservation(arrearsCycle)).total.paid.cash.count === 2, 'arrears paid');
      expect(await conservation(arrearsCycle)).toMatchObject({ balanced: true, total: { entitled: { count: 2, dong: '350000' }, paid: { cash: { count: 2, dong: '350000' } } } });
      // paid in full now: a third run still owes nothing
      expect((await request(server()).post(`/allowance-levels/${levelId}/recompute`).set('authorization', admin).expect(200)).body.arrears).toMatchObject({ count: 0 });
      expect((await db.query(`SELECT count(*)::int AS n FROM payment.entitlement WHERE kind = 'arrears' AND programme_code = $1`, [programme]))[0].n).toBe(2);
    });

    it('keeps every level as history: listed with who recorded it, and never edited in place', async () => {
      const levels = await request(server()).get('/allowance-levels').query({ programmeCode: programme }).set('authorization', auditor).expect(200);
      expect(levels.body.map((row: { effectiveFrom: string; amountDong: string; recordedBy: string }) => [row.effectiveFrom, row.amountDong, row.recordedBy])).toEqual([
        ['2021-07-01', '360000', 'seed:migration'],
        ['2024-07-01', '500000', 'admin:quan.tri.bo'],
      ]);
      await expect(db.query(`UPDATE payment.allowance_standard_level SET amount_dong = 1 WHERE id = $1`, [levelId])).rejects.toThrow(/append-only/);
    });
  });

  describe('officers’ decisions on held payouts', () => {
    const programme = 'HELD_E2E';
    let cycleId: string;
    const ids: Record<string, string> = {};
    const payoutOf = async (name: string) => (await db.query(`SELECT id FROM payment.entitlement WHERE cycle_id = $1 AND beneficiary_id = $2`, [cycleId, ids[name]]))[0].id as string;

    it('holds what was not collected, and what a bank refused for a deceased person', async () => {
      await programmeWith(programme, [['2021-07-01', 360_000], ['2024-07-01', 500_000]], false);
      ids.hanh = await seedPayee(programme, 'VO THI HANH', 'NCT_80');
      ids.khoa = await seedPayee(programme, 'BUI VAN KHOA', 'NCT_80');
      ids.loan = await seedPayee(programme, 'TRINH THI LOAN', 'NCT_80');
      ids.minh = await seedPayee(programme, 'CAO VAN MINH', 'NCT_80');
      await verifiedAccount(ids.loan, '0071000777001');
      ids.minhAccount = await verifiedAccount(ids.minh, '0071000777002');
      institutions.script.set('VO THI HANH/VNPOST', [{ status: 'rejected', reasonCode: 'NOT_COLLECTED' }]);
      institutions.script.set('BUI VAN KHOA/VNPOST', [{ status: 'rejected', reasonCode: 'NOT_COLLECTED' }]);
      institutions.script.set(`TRINH THI LOAN/${VCB}`, [{ status: 'rejected', reasonCode: 'MD07' }]);
      cycleId = (await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: commune, period: '2026-10' }).expect(201)).body.id;
      await prepareAndApprove(cycleId);
      await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('held', 'paid')`, [cycleId]))[0].n === 4, 'every payout held or paid');
      expect(await entitlement(await payoutOf('hanh'))).toMatchObject({ status: 'held', final_reason: 'NOT_COLLECTED' });
      expect(await entitlement(await payoutOf('loan'))).toMatchObject({ status: 'held', final_reason: 'MD07' });
      expect(await entitlement(await payoutOf('minh'))).toMatchObject({ status: 'paid' });
      const death = await cease(ids.loan, programme, '2026-10-25');
      await consumed(death.eventId);
    });

    it('releases a held payout to a verified account only with a second person’s approval of exactly that proposal', async () => {
      const hanh = await payoutOf('hanh');
      const hanhAccount = await verifiedAccount(ids.hanh, '0071000777003');
      const notHeld = await request(server()).post(`/payouts/${await payoutOf('minh')}/release`).set('authorization', officer).send({ payTo: 'cash', note: 'Thử chi lại khoản đã chi' }).expect(409);
      expect(notHeld.body.code).toBe('PAYMENT.PAYOUT_NOT_HELD');
      const othersAccount = await request(server()).post(`/payouts/${hanh}/release`).set('authorization', officer).send({ payTo: 'account', accountId: ids.minhAccount, note: 'Chi vào tài khoản người khác' }).expect(422);
      expect(othersAccount.body.code).toBe('PAYMENT.ACCOUNT_NOT_PAYABLE');
      await request(server()).post(`/payouts/${hanh}/release`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).send({ payTo: 'cash', note: 'Ngoài địa bàn' }).expect(403);

      const first = await request(server()).post(`/payouts/${hanh}/release`).set('authorization', officer).send({ payTo: 'cash', note: 'Bà Hạnh ốm, nhận lại tại bưu điện' }).expect(200);
      const proposal = await request(server()).post(`/payouts/${hanh}/release`).set('authorization', officer).send({ payTo: 'account', accountId: hanhAccount, note: 'Bà Hạnh đã mở tài khoản Vietcombank, chi vào tài khoản' }).expect(200);
      expect(proposal.body).toMatchObject({ status: 'proposed', channel: 'bank', institutionCode: VCB, accountNumberMasked: '****7003' });
      // the approver saw the first proposal, which the officer has since replaced
      expect((await request(server()).post(`/payouts/${hanh}/release/approve`).set('authorization', supervisor).send({ releaseId: first.body.releaseId }).expect(409)).body.code).toBe('PAYMENT.RELEASE_CHANGED');
      const samePerson: Principal = { sub: PRINCIPALS.haTinhOfficer.sub, role: 'supervisor', provinceCode: '42' };
      expect((await request(server()).post(`/payouts/${hanh}/release/approve`).set('authorization', `Bearer ${tokenFor(samePerson)}`).send({ releaseId: proposal.body.releaseId }).expect(403)).body.code).toBe('PAYMENT.FOUR_EYES');
      await request(server()).post(`/payouts/${hanh}/release/approve`).set('authorization', officer).send({ releaseId: proposal.body.releaseId }).expect(403);

      const approved = await request(server()).post(`/payouts/${hanh}/release/approve`).set('authorization', supervisor).send({ releaseId: proposal.body.releaseId }).expect(200);
      expect(approved.body).toMatchObject({ status: 'approved', decidedBy: `supervisor:${PRINCIPALS.haTinhSupervisor.sub}`, instructionId: instructionIdFor(hanh, 2) });
      await waitFor(async () => (await entitlement(hanh)).status === 'paid', 'the released payout paid');
      expect(await entitlement(hanh)).toMatchObject({ status: 'paid', paid_channel: 'bank' });
      expect(institutions.received.find((instruction) => instruction.instructionId === instructionIdFor(hanh, 2))).toMatchObject({ institutionCode: VCB, creditor: { accountNumber: '0071000777003' } });
      const timeline = await request(server()).get(`/payouts/${hanh}/timeline`).set('authorization', auditor).expect(200);
      expect(timeline.body.events.map((event: { kind: string }) => event.kind).slice(-6)).toEqual(['release_proposed', 'release_withdrawn', 'release_proposed', 'released', 'sent', 'settled']);
      expect(timeline.body.events.find((event: { kind: string }) => event.kind === 'release_withdrawn').detail).toEqual({ releaseId: first.body.releaseId, replacedBy: proposal.body.releaseId });
      expect(timeline.body.events.find((event: { kind: string }) => event.kind === 'released')).toMatchObject({ actor: `supervisor:${PRINCIPALS.haTinhSupervisor.sub}`, instructionId: instructionIdFor(hanh, 2) });
      expect((await request(server()).post(`/payouts/${hanh}/release/approve`).set('authorization', supervisor).send({ releaseId: proposal.body.releaseId }).expect(409)).body.code).toBe('PAYMENT.PAYOUT_NOT_HELD');
    });

    it('never pays a deceased person’s held payout again: only a supervisor’s cancellation with a reason', async () => {
      const loan = await payoutOf('loan');
      const refused = await request(server()).post(`/payouts/${loan}/release`).set('authorization', officer).send({ payTo: 'cash', note: 'Gia đình xin nhận thay' }).expect(409);
      expect(refused.body.code).toBe('PAYMENT.BENEFICIARY_DECEASED');
      await request(server()).post(`/payouts/${loan}/cancel`).set('authorization', officer).send({ reasonCode: 'BENEFICIARY_DECEASED', note: 'Đối tượng đã mất' }).expect(403);
      await request(server()).post(`/payouts/${loan}/cancel`).set('authorization', supervisor).send({ reasonCode: 'FORGOTTEN', note: 'Lý do không có trong danh mục' }).expect(400);
      const cancelled = await request(server()).post(`/payouts/${loan}/cancel`).set('authorization', supervisor).send({ reasonCode: 'BENEFICIARY_DECEASED', note: 'Đối tượng đã mất ngày 25/10' }).expect(200);
      expect(cancelled.body).toEqual({ entitlementId: loan, status: 'cancelled', finalReason: 'BENEFICIARY_DECEASED' });
      const khoa = await payoutOf('khoa');
      await request(server()).post(`/payouts/${khoa}/cancel`).set('authorization', supervisor).send({ reasonCode: 'UNCLAIMED', note: 'Không liên lạc được sau 3 lần' }).expect(200);
      expect((await request(server()).post(`/payouts/${khoa}/cancel`).set('authorization', supervisor).send({ reasonCode: 'UNCLAIMED', note: 'Hủy lần hai' }).expect(409)).body.code).toBe('PAYMENT.PAYOUT_NOT_HELD');
    });

    it('refuses to release a payout nobody answered until the institution does, because a new instruction id could pay twice', async () => {
      const silentProgramme = 'SILENT_E2E';
      await programmeWith(silentProgramme, [['2021-07-01', 360_000], ['2024-07-01', 500_000]], false);
      const thu = await seedPayee(silentProgramme, 'LE THI THU', 'NCT_80');
      await verifiedAccount(thu, '0071000777009');
      institutions.script.set(`LE THI THU/${VCB}`, [{ status: 'silent' }]);
      const silentCycle = (await request(server()).post('/cycles').set('authorization', officer).send({ programmeCode: silentProgramme, provinceCode: '42', communeCode: commune, period: '2026-10' }).expect(201)).body.id;
      await prepareAndApprove(silentCycle);
      const [{ id }] = await db.query(`SELECT id FROM payment.entitlement WHERE cycle_id = $1`, [silentCycle]);
      await waitFor(async () => (await entitlement(id)).status === 'held', 'held once every resend went unanswered');
      expect(await entitlement(id)).toMatchObject({ final_reason: 'TIMEOUT' });

      const refused = await request(server()).post(`/payouts/${id}/release`).set('authorization', officer).send({ payTo: 'cash', note: 'Chi tiền mặt thay' }).expect(409);
      expect(refused.body.code).toBe('PAYMENT.OUTCOME_UNKNOWN');

      // the bank looks it up and answers late: it never credited the account
      const lost = institutions.received.find((instruction) => instruction.endToEndId === id)!;
      await institutions.answer(lost, { status: 'rejected', reasonCode: 'AC04' });
      await waitFor(async () => (await db.query(`SELECT status FROM payment.payout_attempt WHERE instruction_id = $1`, [lost.instructionId]))[0].status === 'rejected', 'the late refusal recorded');
      expect(await entitlement(id)).toMatchObject({ status: 'held', final_reason: 'TIMEOUT' });

      const proposal = await request(server()).post(`/payouts/${id}/release`).set('authorization', officer).send({ payTo: 'cash', note: 'Ngân hàng xác nhận chưa chi: chi tiền mặt' }).expect(200);
      await request(server()).post(`/payouts/${id}/release/approve`).set('authorization', supervisor).send({ releaseId: proposal.body.releaseId }).expect(200);
      await waitFor(async () => (await entitlement(id)).status === 'paid', 'paid in cash after the release');
      const settled = await db.query(`SELECT instruction_id FROM payment.payout_attempt WHERE entitlement_id = $1 AND status = 'settled'`, [id]);
      expect(settled).toHaveLength(1);
      expect(settled[0].instruction_id).not.toBe(lost.instructionId);
    });

    it('keeps the cycle exact after every decision, and every trail verifiable', async () => {
      const report = await conservation(cycleId);
      expect(report).toMatchObject({
        balanced: true,
        total: {
          entitled: { count: 4, dong: '2000000' },
          paid: { bank: { count: 2, dong: '1000000' }, cash: { count: 0, dong: '0' } },
          held: {},
          cancelled: { BENEFICIARY_DECEASED: { count: 1, dong: '500000' }, UNCLAIMED: { count: 1, dong: '500000' } },
          unexplained: { count: 0, dong: '0' },
        },
      });
      await request(server()).post(`/cycles/${cycleId}/close`).set('authorization', supervisor).expect(200);
      const verified = await request(server()).get('/audit/verify').set('authorization', auditor).expect(200);
      expect(verified.body).toMatchObject({ intact: true, payouts: { intact: true } });
      const actions = await db.query(`SELECT action FROM payment.audit_entry WHERE action LIKE 'PAYOUT_%' OR action LIKE 'FUNERAL_%' OR action LIKE 'ALLOWANCE_%' ORDER BY seq`);
      expect(new Set(actions.map((row: { action: string }) => row.action))).toEqual(
        new Set(['FUNERAL_SUPPORT_OPENED', 'FUNERAL_CLAIM_RECORDED', 'ALLOWANCE_LEVEL_RECORDED', 'ALLOWANCE_RECOMPUTED', 'PAYOUT_RELEASE_PROPOSED', 'PAYOUT_RELEASE_APPROVED', 'PAYOUT_CANCELLED']),
      );
    });
  });
});

function nextMonth(day: string): string {
  const [year, month] = day.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { startTestApp } from '../../../test/support/test-app';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { PaymentAppModule } from '../src/app.module';
import { CYCLE_SCHEDULE_QUEUE, GENERATE_MONTHLY_JOB } from '../src/cycles/cycle-schedule.queue';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(60_000);

describe('payout cycles (real PostgreSQL)', () => {
  let app: INestApplication;
  let db: DataSource;
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;

  beforeAll(async () => {
    app = await startTestApp(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  /** Payees as the registry's events leave them; a programme per test keeps tests apart. */
  const seedPayees = async (programmeCode: string, payees: Array<{ category: string; status: string; stopFrom?: string; commune?: string; registeredStatus?: string }>) => {
    const ids: string[] = [];
    for (const payee of payees) {
      const id = uuidv7();
      ids.push(id);
      await db.query(
        `INSERT INTO payment.payee (beneficiary_id, cccd, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id, payments_stop_from, registered_status)
         VALUES ($1, '042148001234', $2, $3, '42', $4, $5, now(), $6, $7, $8)`,
        [id, programmeCode, payee.category, payee.commune ?? '18073', payee.status, uuidv7(), payee.stopFrom ?? null, payee.registeredStatus ?? (payee.status === 'pending_verification' ? 'pending_verification' : 'active')],
      );
    }
    return ids;
  };
  const allowancesFor = async (programmeCode: string) => {
    // The test programme reuses the national social-allowance figures.
    await db.query(`INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis)
                    SELECT $1, province_code, effective_from, amount_dong, legal_basis FROM payment.allowance_standard_level WHERE programme_code = 'TC_XH'`, [programmeCode]);
    await db.query(`INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis)
                    SELECT $1, category_code, effective_from, coefficient_milli, label_vi, legal_basis FROM payment.allowance_coefficient WHERE programme_code = 'TC_XH'`, [programmeCode]);
  };
  const counts = async (programmeCode: string) =>
    (await db.query(`SELECT (SELECT count(*) FROM payment.entitlement WHERE programme_code = $1)::int AS entitlements, (SELECT count(*) FROM payment.payout_cycle WHERE programme_code = $1)::int AS cycles`, [programmeCode]))[0];

  it('creates one entitlement per eligible payee at the decree amounts, and says why the others get none', async () => {
    const programme = 'CYCLE_A';
    await allowancesFor(programme);
    const [aged, disabled, pending, suspended, diedInNovember, diedInOctober, unknownCategory, diedUnverified] = await seedPayees(programme, [
      { category: 'NCT_80', status: 'active' },
      { category: 'KT_NANG', status: 'active' },
      { category: 'NCT_80', status: 'pending_verification' },
      { category: 'NCT_80', status: 'suspended' },
      { category: 'NCT_80', status: 'ceased', stopFrom: '2026-12-01' },
      { category: 'NCT_80', status: 'ceased', stopFrom: '2026-11-01' },
      { category: 'NOT_A_CATEGORY', status: 'active' },
      // died in November while the registry was still checking the identity: not even November is paid
      { category: 'NCT_80', status: 'ceased', stopFrom: '2026-12-01', registeredStatus: 'pending_verification' },
    ]);
    const response = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', communeCode: '18073', period: '2026-11' }).expect(201);
    expect(response.body).toMatchObject({
      entitledCount: 3,
      entitledDong: '1750000', // 500,000 + 750,000 + 500,000
      excludedCount: 5,
      exclusions: { NOT_VERIFIED: 2, SUSPENDED: 1, CEASED: 1, NO_RULE: 1 },
    });
    const entitlements = await db.query(`SELECT beneficiary_id, amount_dong::text, level_dong::text, coefficient_milli FROM payment.entitlement WHERE cycle_id = $1 ORDER BY amount_dong, beneficiary_id`, [response.body.id]);
    expect(entitlements).toEqual(
      expect.arrayContaining([
        { beneficiary_id: aged, amount_dong: '500000', level_dong: '500000', coefficient_milli: 1000 },
        { beneficiary_id: disabled, amount_dong: '750000', level_dong: '500000', coefficient_milli: 1500 },
        { beneficiary_id: diedInNovember, amount_dong: '500000', level_dong: '500000', coefficient_milli: 1000 },
      ]),
    );
    const exclusions = await db.query(`SELECT beneficiary_id, reason_code FROM payment.cycle_exclusion WHERE cycle_id = $1`, [response.body.id]);
    expect(new Map(exclusions.map((row: { beneficiary_id: string; reason_code: string }) => [row.beneficiary_id, row.reason_code]))).toEqual(
      new Map([[pending, 'NOT_VERIFIED'], [suspended, 'SUSPENDED'], [diedInOctober, 'CEASED'], [unknownCategory, 'NO_RULE'], [diedUnverified, 'NOT_VERIFIED']]),
    );
  });

  it('returns the same cycle when run again, and never entitles a month twice across overlapping cycles', async () => {
    const programme = 'CYCLE_B';
    await allowancesFor(programme);
    await seedPayees(programme, [{ category: 'NCT_80', status: 'active' }, { category: 'NCT_80', status: 'active', commune: '18100' }]);
    const body = { programmeCode: programme, provinceCode: '42', communeCode: '18073', period: '2026-11' };
    const first = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send(body).expect(201);
    const again = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send(body).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await counts(programme)).toEqual({ entitlements: 1, cycles: 1 });

    // A province-wide cycle for the same month covers the other commune and skips the one already entitled.
    const province = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send({ ...body, communeCode: undefined }).expect(201);
    expect(province.body).toMatchObject({ entitledCount: 1, exclusions: { ALREADY_ENTITLED: 1 } });
    expect(await counts(programme)).toEqual({ entitlements: 2, cycles: 2 });
  });

  it('computes months before July 2024 at the old level', async () => {
    const programme = 'CYCLE_C';
    await allowancesFor(programme);
    await seedPayees(programme, [{ category: 'KT_NANG', status: 'active' }]);
    const response = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', period: '2024-06' }).expect(201);
    expect(response.body.entitledDong).toBe('540000');
  });

  it.each([
    ['an officer of another province', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`, { provinceCode: '42', period: '2026-11' }, 403, 'AUTH.OUT_OF_AREA'],
    ['an auditor', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`, { provinceCode: '42', period: '2026-11' }, 403, 'AUTH.ROLE_NOT_ALLOWED'],
    ['a bank', `Bearer ${tokenFor(PRINCIPALS.vietcombank)}`, { provinceCode: '42', period: '2026-11' }, 403, 'AUTH.ROLE_NOT_ALLOWED'],
    ['a month 13', officer, { provinceCode: '42', period: '2026-13' }, 400, 'REQUEST.VALIDATION_FAILED'],
    ['a 3-digit province', officer, { provinceCode: '042', period: '2026-11' }, 400, 'REQUEST.VALIDATION_FAILED'],
  ])('refuses a cycle requested by or with %s, creating nothing', async (_label, authorization, body, status, code) => {
    const programme = 'CYCLE_D';
    await seedPayees(programme, [{ category: 'NCT_80', status: 'active' }]);
    const response = await request(app.getHttpServer()).post('/cycles').set('authorization', authorization).send({ programmeCode: programme, ...body }).expect(status);
    expect(response.body.code).toBe(code);
    expect(await counts(programme)).toEqual({ entitlements: 0, cycles: 0 });
  });

  it('shows a cycle only inside the reader’s area', async () => {
    const programme = 'CYCLE_E';
    await allowancesFor(programme);
    await seedPayees(programme, [{ category: 'NCT_80', status: 'active' }]);
    const created = await request(app.getHttpServer()).post('/cycles').set('authorization', officer).send({ programmeCode: programme, provinceCode: '42', period: '2026-11' }).expect(201);
    await request(app.getHttpServer()).get(`/cycles/${created.body.id}`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`).expect(200);
    const outside = await request(app.getHttpServer()).get(`/cycles/${created.body.id}`).set('authorization', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403);
    expect(outside.body.code).toBe('AUTH.OUT_OF_AREA');
  });

  it('opens the month\'s cycles from the BullMQ job scheduler, once per programme and province, however often it runs', async () => {
    const programme = 'CYCLE_SCHEDULED';
    await allowancesFor(programme);
    await seedPayees(programme, [{ category: 'NCT_80', status: 'active' }, { category: 'KT_NANG', status: 'active' }]);
    const queue = app.get<Queue>(getQueueToken(CYCLE_SCHEDULE_QUEUE));
    const scheduledCycles = async () => db.query(`SELECT province_code, period, entitled_count, created_by FROM payment.payout_cycle WHERE programme_code = $1`, [programme]);
    const first = await queue.add(GENERATE_MONTHLY_JOB, { period: '2027-03' });
    await waitFor(async () => (await first.getState()) === 'completed', 'the scheduled run');
    const again = await queue.add(GENERATE_MONTHLY_JOB, { period: '2027-03' });
    await waitFor(async () => (await again.getState()) === 'completed', 'the repeated run');
    expect(await scheduledCycles()).toEqual([{ province_code: '42', period: '2027-03', entitled_count: 2, created_by: 'admin:cycle-scheduler' }]);
  });

  // Last in the suite: it tampers with the trail (as a database superuser could) and then repairs it.
  it('keeps a hash-chained trail of cycles that detects an edited or a deleted entry', async () => {
    const auditor = `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`;
    const intact = await request(app.getHttpServer()).get('/audit/verify').set('authorization', auditor).expect(200);
    expect(intact.body).toMatchObject({ intact: true });
    expect(intact.body.audit.entries).toBeGreaterThanOrEqual(4);
    const [first] = await db.query(`SELECT canonical FROM payment.audit_entry WHERE canonical LIKE '%"CYCLE_A"%' ORDER BY seq LIMIT 1`);
    expect(JSON.parse(first.canonical).details).toMatchObject({ programmeCode: 'CYCLE_A', entitledCount: 3, entitledDong: '1750000', excludedCount: 5 });
    await request(app.getHttpServer()).get('/audit/verify').set('authorization', officer).expect(403);
    await expect(db.query(`UPDATE payment.audit_entry SET actor = 'someone else' WHERE seq = 2`)).rejects.toThrow(/append-only/);

    const [original] = await db.query(`SELECT * FROM payment.audit_entry WHERE seq = 2`);
    await db.query(`ALTER TABLE payment.audit_entry DISABLE TRIGGER audit_entry_append_only`);
    try {
      await db.query(`UPDATE payment.audit_entry SET canonical = replace(canonical, '"actor":"', '"actor":"x') WHERE seq = 2`);
      expect((await request(app.getHttpServer()).get('/audit/verify').set('authorization', auditor).expect(200)).body).toEqual({ intact: false, audit: { intact: false, entries: 1, brokenAt: 2, problem: 'HASH_MISMATCH' }, payouts: expect.objectContaining({ intact: true }) });
      await db.query(`DELETE FROM payment.audit_entry WHERE seq = 2`);
      expect((await request(app.getHttpServer()).get('/audit/verify').set('authorization', auditor).expect(200)).body).toEqual({ intact: false, audit: { intact: false, entries: 1, brokenAt: 2, problem: 'GAP' }, payouts: expect.objectContaining({ intact: true }) });
      await db.query(
        `INSERT INTO payment.audit_entry SELECT * FROM json_populate_record(NULL::payment.audit_entry, $1::json)`,
        [JSON.stringify(original)],
      );
    } finally {
      await db.query(`ALTER TABLE payment.audit_entry ENABLE TRIGGER audit_entry_append_only`);
    }
    expect((await request(app.getHttpServer()).get('/audit/verify').set('authorization', auditor).expect(200)).body).toMatchObject({ intact: true });
  });
});

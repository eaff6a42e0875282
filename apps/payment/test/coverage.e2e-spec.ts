import { accountRejectedV1, type EventEnvelope, type PayloadOf } from '@app/contracts';
import { parseConfig, type Principal } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { registeredEvent } from '../../../test/support/registered-event';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { PayeeAccountsService } from '../src/accounts/payee-accounts.service';
import { paymentConfigSchema } from '../src/config/payment.config';
import { PayeesService } from '../src/payees/payees.service';
import { areaKey, type ExpectedArea, expectedCoverage, generatePeople, insertScenario, type PersonSpec } from './coverage-fixtures';

jest.setTimeout(120_000);

// Hà Tĩnh communes with the district they belonged to before 1 July 2025, and one in Hà Nội
const THANH_SEN: readonly [string, string, string] = ['18073', '42', '436'];
const TRAN_PHU: readonly [string, string, string] = ['18100', '42', '436'];
const BAC_HONG_LINH: readonly [string, string, string] = ['18115', '42', '437'];
const BA_DINH: readonly [string, string, string] = ['00004', '01', '001'];

describe('cashless coverage (views, summary, API)', () => {
  let app: INestApplication;
  let db: DataSource;
  const auth = (principal: Principal) => `Bearer ${tokenFor(principal)}`;

  beforeAll(async () => {
    app = await startTestApp(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV })));
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app.close();
  });

  const viewRows = async (period: string): Promise<Map<string, ExpectedArea>> => {
    const rows: Array<Record<string, string | number | null>> = await db.query(`SELECT * FROM payment.coverage_area_v WHERE period = $1`, [period]);
    return new Map(
      rows.map((row) => [
        areaKey(row.programme_code as string, row.province_code as string, row.commune_code as string, row.legacy_district_code as string | null),
        {
          beneficiaries: row.beneficiaries as number,
          paid: row.paid as number,
          paidCashless: row.paid_cashless as number,
          amountPaidDong: BigInt(row.amount_paid_dong as string),
          amountCashlessDong: BigInt(row.amount_cashless_dong as string),
          accountReady: row.account_ready as number,
          notYetPaid: row.not_yet_paid as number,
          reasons: {
            BANK_REJECTED: row.cash_bank_rejected as number,
            CHOSE_CASH: row.cash_chose_cash as number,
            NAME_MISMATCH: row.cash_name_mismatch as number,
            ACCOUNT_PENDING: row.cash_account_pending as number,
            NO_ACCOUNT: row.cash_no_account as number,
          },
        },
      ]),
    );
  };

  it('computes every area of a generated month exactly as the definition does, before and after the district reform', async () => {
    for (const [seed, period] of [[11, '2019-03'], [12, '2025-09']] as const) {
      const people = generatePeople(seed, 240, 'TC_XH', [THANH_SEN, TRAN_PHU, BAC_HONG_LINH, BA_DINH]);
      await insertScenario(db, `generated-${seed}`, period, people);
      const expected = expectedCoverage(people, period);
      expect(await viewRows(period)).toEqual(expected);
      // the legacy district is a dimension of months before July 2025 only
      expect([...expected.keys()].some((key) => key.endsWith('/-'))).toBe(period >= '2025-07');

      await db.query(`SELECT payment.refresh_coverage($1)`, [period]);
      const [summary] = await db.query(`SELECT sum(paid)::int AS paid, sum(paid_cashless)::int AS cashless, sum(amount_paid_dong)::text AS dong FROM payment.coverage_summary WHERE period = $1`, [period]);
      const totals = [...expected.values()].reduce((sum, area) => ({ paid: sum.paid + area.paid, cashless: sum.cashless + area.paidCashless, dong: sum.dong + area.amountPaidDong }), { paid: 0, cashless: 0, dong: 0n });
      expect(summary).toEqual({ paid: totals.paid, cashless: totals.cashless, dong: totals.dong.toString() });
    }
  });

  it('reports a month without payments as no coverage rather than 0 %', async () => {
    const people: PersonSpec[] = [1, 2, 3].map((n) => ({
      name: `Lê Thị Hoa ${n}`, provinceCode: '42', communeCode: '18073', legacyDistrictCode: '436', programmeCode: 'NCC', preference: 'account', account: 'verified',
      payments: [{ kind: 'monthly', amountDong: 2_789_000n, outcome: 'in_flight' }],
    }));
    await insertScenario(db, 'no-payments', '2019-04', people);
    await db.query(`SELECT payment.refresh_coverage('2019-04')`);
    const response = await request(app.getHttpServer()).get('/reporting/coverage?period=2019-04').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(response.body.total).toMatchObject({ beneficiaries: 3, paid: 0, paidCashless: 0, coverageByCount: null, coverageByAmount: null, accountReady: 3, readiness: 100, notYetPaid: 3 });
    // and a month nobody was entitled in has no areas at all
    const empty = await request(app.getHttpServer()).get('/reporting/coverage?period=2018-01').set('authorization', auth(PRINCIPALS.nationalAuditor)).expect(200);
    expect(empty.body).toMatchObject({ areas: [], refreshedAt: null, total: { paid: 0, coverageByCount: null } });
  });

  it('counts an all-cash commune as 0 %, a fallback as bank rejection with its code, and arrears once per person', async () => {
    const person = (name: string, account: PersonSpec['account'], payments: PersonSpec['payments']): PersonSpec => ({ name, provinceCode: '42', communeCode: '18100', legacyDistrictCode: '436', programmeCode: 'TC_XH', preference: 'account', account, payments });
    const people = [
      person('Nguyễn Thị Đào', 'none', [{ kind: 'monthly', amountDong: 360_000n, outcome: 'cash' }]),
      person('Trần Văn Hùng', 'verified', [{ kind: 'monthly', amountDong: 540_000n, outcome: 'fallback' }]),
      // monthly by bank, arrears for an earlier month fell back to cash: one person, not cashless, both amounts
      person('Phan Thị Lan', 'verified', [{ kind: 'monthly', amountDong: 500_000n, outcome: 'bank' }, { kind: 'arrears', owedPeriod: '2019-02', amountDong: 140_000n, outcome: 'fallback' }]),
    ];
    await insertScenario(db, 'edge', '2019-05', people);
    const [area] = [...(await viewRows('2019-05')).values()];
    expect(area).toEqual({
      beneficiaries: 3, paid: 3, paidCashless: 0, amountPaidDong: 1_540_000n, amountCashlessDong: 500_000n, accountReady: 2, notYetPaid: 0,
      reasons: { BANK_REJECTED: 2, CHOSE_CASH: 0, NAME_MISMATCH: 0, ACCOUNT_PENDING: 0, NO_ACCOUNT: 1 },
    });
    // closing the cycle refreshes its slice of the summary in the same transaction
    await db.query(`UPDATE payment.payout_cycle SET status = 'closed', closed_by = 'test', closed_at = now() WHERE period = '2019-05'`);
    const report = await request(app.getHttpServer()).get('/reporting/coverage?period=2019-05&communeCode=18100').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(report.body.total).toMatchObject({ paid: 3, paidCashless: 0, coverageByCount: 0, amountPaidDong: '1540000', coverageByAmount: 32.47 });
    expect(report.body.total.reasons[0]).toEqual({ code: 'BANK_REJECTED', label: 'Ngân hàng từ chối, chuyển tiền mặt', count: 2 });

    const list = await request(app.getHttpServer()).get('/reporting/coverage/not-cashless?period=2019-05&communeCode=18100').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(list.body.items.map((item: { nameMasked: string; reason: string; bankReasonCode: string | null; cashAmountDong: string }) => [item.nameMasked, item.reason, item.bankReasonCode, item.cashAmountDong]).sort()).toEqual([
      ['Nguyễn T. Đ.', 'NO_ACCOUNT', null, '360000'],
      // only the arrears went in cash; the monthly allowance reached her account
      ['Phan T. L.', 'BANK_REJECTED', 'AC04', '140000'],
      ['Trần V. H.', 'BANK_REJECTED', 'AC04', '540000'],
    ]);
    expect(list.body.items.every((item: { cccdMasked: string }) => /^\*{9}\d{3}$/.test(item.cccdMasked))).toBe(true);
  });

  it('keeps officers to their area, refuses banks, and gives auditors the nation by province', async () => {
    await db.query(`SELECT payment.refresh_coverage('2019-03')`);
    const server = app.getHttpServer();
    const national = await request(server).get('/reporting/coverage?period=2019-03').set('authorization', auth(PRINCIPALS.nationalAuditor)).expect(200);
    expect(national.body.groupBy).toBe('province');
    expect(national.body.areas.map((area: { provinceCode: string; provinceName: string }) => [area.provinceCode, area.provinceName])).toEqual([['01', 'Thành phố Hà Nội'], ['42', 'Tỉnh Hà Tĩnh']]);

    const province = await request(server).get('/reporting/coverage?period=2019-03').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(province.body.scope).toEqual({ provinceCode: '42' });
    expect(province.body.areas.map((area: { communeCode: string }) => area.communeCode)).toEqual(['18073', '18100', '18115']);
    const haTinh = national.body.areas.find((area: { provinceCode: string }) => area.provinceCode === '42');
    const { provinceCode: _code, provinceName: _name, communeCode: _commune, communeName: _communeName, legacyDistrictCode: _district, ...haTinhFigures } = haTinh;
    expect(province.body.total).toEqual(haTinhFigures);

    const districts = await request(server).get('/reporting/coverage?period=2019-03&groupBy=district').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(districts.body.areas.map((area: { legacyDistrictCode: string }) => area.legacyDistrictCode)).toEqual(['436', '437']);
    const afterReform = await request(server).get('/reporting/coverage?period=2025-09&groupBy=district').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(400);
    expect(afterReform.body.code).toBe('REPORTING.NO_DISTRICTS_AFTER_REFORM');

    const outside = await request(server).get('/reporting/coverage?period=2019-03&provinceCode=01').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(403);
    expect(outside.body.code).toBe('AUTH.OUT_OF_AREA');
    await request(server).get('/reporting/coverage/not-cashless?period=2019-03&communeCode=18100').set('authorization', auth(PRINCIPALS.communeOfficer)).expect(403);
    await request(server).get('/reporting/coverage?period=2019-03').set('authorization', auth(PRINCIPALS.vietcombank)).expect(403);
    await request(server).get('/reporting/coverage?period=2019-03').expect(401);
    const invalid = await request(server).get('/reporting/coverage?period=2019-13').set('authorization', auth(PRINCIPALS.nationalAuditor)).expect(400);
    expect(JSON.stringify(invalid.body)).toContain('Kỳ chi phải theo dạng YYYY-MM.');
    // auditors read, they do not recompute
    await request(server).post('/reporting/coverage/refresh').send({ period: '2019-03' }).set('authorization', auth(PRINCIPALS.nationalAuditor)).expect(403);
    const refreshed = await request(server).post('/reporting/coverage/refresh').send({ period: '2019-03' }).set('authorization', auth(PRINCIPALS.haTinhSupervisor)).expect(200);
    expect(refreshed.body).toMatchObject({ period: '2019-03', provinceCode: '42', areas: 3 });
  });

  it('keeps the choice of cash from the registration and the reason an account was refused, which the reasons read', async () => {
    const choseCash = registeredEvent({ paymentPreference: 'cash', provinceCode: '42', communeCode: '18073' });
    const mismatched = registeredEvent({ provinceCode: '42', communeCode: '18073' });
    // a producer older than the field: no preference means paid into an account when there is one
    const older = registeredEvent({ provinceCode: '42', communeCode: '18073' });
    delete (older.payload as { paymentPreference?: string }).paymentPreference;
    const accountId = '01a20a00-0000-7000-8000-000000000001';
    const rejection = accountRejectedV1.envelope.parse({
      eventId: '01a20a00-0000-7000-8000-000000000002', type: accountRejectedV1.type, version: 1, occurredAt: new Date().toISOString(), producer: 'test',
      correlationId: 'test', causationId: null, aggregateId: mismatched.payload.beneficiaryId,
      payload: {
        accountId, beneficiaryId: mismatched.payload.beneficiaryId, channel: 'bank', bankBin: '970436', providerCode: null, accountNumberMasked: '****5678', priority: 1,
        reasonCode: 'NAME_MISMATCH', verification: { method: 'name_enquiry', nameMatch: 'mismatch' }, rejectedBy: 'supervisor:lanh.dao', rejectedAt: new Date().toISOString(),
      },
    }) as EventEnvelope<PayloadOf<typeof accountRejectedV1>>;
    await db.transaction(async (manager) => {
      for (const event of [choseCash, mismatched, older]) await app.get(PayeesService).recordRegistration(event, manager);
      await app.get(PayeeAccountsService).recordRejected(rejection, manager);
    });
    const preferences = await db.query(`SELECT beneficiary_id, payment_preference FROM payment.payee WHERE beneficiary_id = ANY($1::uuid[])`, [[choseCash, mismatched, older].map((event) => event.payload.beneficiaryId)]);
    expect(new Map(preferences.map((row: { beneficiary_id: string; payment_preference: string }) => [row.beneficiary_id, row.payment_preference]))).toEqual(
      new Map([[choseCash.payload.beneficiaryId, 'cash'], [mismatched.payload.beneficiaryId, 'account'], [older.payload.beneficiaryId, 'account']]),
    );
    expect(await db.query(`SELECT status, rejection_reason FROM payment.payee_account WHERE account_id = $1`, [accountId])).toEqual([{ status: 'rejected', rejection_reason: 'NAME_MISMATCH' }]);

    // paid in cash in a month: each for its own reason
    const [cycle] = await db.query(`INSERT INTO payment.payout_cycle (id, programme_code, province_code, period, status, entitled_count, entitled_dong, excluded_count, created_by)
      VALUES ('01a20a00-0000-7000-8000-0000000000c1', $1, '42', '2019-07', 'generated', 3, 1080000, 0, 'test') RETURNING id`, [choseCash.payload.programmeCode]);
    for (const [index, event] of [choseCash, mismatched, older].entries()) {
      await db.query(
        `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli, province_code, commune_code, status, paid_channel)
         VALUES ($1, $2, $3, $4, '2019-07', 'monthly', 360000, 360000, 1000, '42', '18073', 'paid', 'cash')`,
        [`01a20a00-0000-7000-8000-00000000e0${index}0`, cycle.id, event.payload.beneficiaryId, event.payload.programmeCode],
      );
    }
    const reasons = await db.query(`SELECT beneficiary_id, cash_reason FROM payment.coverage_entitlement_v WHERE period = '2019-07'`);
    expect(new Map(reasons.map((row: { beneficiary_id: string; cash_reason: string }) => [row.beneficiary_id, row.cash_reason]))).toEqual(
      new Map([[choseCash.payload.beneficiaryId, 'chose_cash'], [mismatched.payload.beneficiaryId, 'name_mismatch'], [older.payload.beneficiaryId, 'no_account']]),
    );
  });

  it('draws the trend month by month and exports the same figures as CSV and Excel', async () => {
    const server = app.getHttpServer();
    await db.query(`SELECT payment.refresh_coverage(p) FROM unnest(ARRAY['2019-03', '2019-04', '2019-05']) AS p`);
    const trend = await request(server).get('/reporting/coverage/trend?from=2019-01&to=2019-06').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(trend.body.months.map((month: { period: string }) => month.period)).toEqual(['2019-03', '2019-04', '2019-05']);
    const march = await request(server).get('/reporting/coverage?period=2019-03').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    expect(trend.body.months[0]).toEqual({ period: '2019-03', ...march.body.total });
    await request(server).get('/reporting/coverage/trend?from=2019-06&to=2019-01').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(400);

    const csv = await request(server).get('/reporting/coverage/export.csv?period=2019-03').set('authorization', auth(PRINCIPALS.haTinhOfficer)).expect(200);
    const lines = csv.text.replace(/^\ufeff/, '').trim().split('\n');
    expect(lines[0]).toContain('Tỷ lệ theo số người (%)');
    expect(lines).toHaveLength(1 + march.body.areas.length);
    const thanhSen = march.body.areas.find((area: { communeCode: string }) => area.communeCode === '18073');
    expect(lines.find((line) => line.includes(',18073,'))).toContain(`,${thanhSen.paid},${thanhSen.paidCashless},${thanhSen.coverageByCount},${thanhSen.amountPaidDong},`);

    const xlsx = await request(server).get('/reporting/coverage/export.xlsx?period=2019-03').set('authorization', auth(PRINCIPALS.haTinhOfficer)).buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(1 + march.body.areas.length);
    const row = sheet.getRows(2, sheet.rowCount - 1)!.find((candidate) => candidate.getCell(6).value === '18073')!;
    expect([row.getCell(9).value, row.getCell(10).value, row.getCell(12).value]).toEqual([thanhSen.paid, thanhSen.paidCashless, Number(thanhSen.amountPaidDong)]);
  });
});

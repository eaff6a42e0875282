import { parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startTestApp } from '../../../test/support/test-app';
import { PRINCIPALS, TEST_ENV, tokenFor } from '../../../test/support/test-environment';
import { PaymentAppModule } from '../src/app.module';
import { paymentConfigSchema } from '../src/config/payment.config';

jest.setTimeout(600_000);

const LOADER = path.resolve(__dirname, '../../../scripts/demo/load-coverage-demo.mjs');
const run = promisify(execFile);

/** What `npm start` loads: Hà Tĩnh, 30 Nov 2023, 16,243 of 106,413 paid cashless — computed, never stored. */
describe('coverage demo data', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startTestApp(PaymentAppModule.forRoot(parseConfig(paymentConfigSchema, { ...TEST_ENV })));
  });

  // 106,413 active payees would make any later suite's monthly scheduler open a cycle for all of them
  afterAll(async () => {
    const db = app.get(DataSource);
    const demoCycles = `SELECT id FROM payment.payout_cycle WHERE created_by = 'demo:coverage'`;
    await db.transaction(async (manager) => {
      await manager.query(`DELETE FROM payment.payout_attempt WHERE entitlement_id IN (SELECT id FROM payment.entitlement WHERE cycle_id IN (${demoCycles}))`);
      await manager.query(`DELETE FROM payment.entitlement WHERE cycle_id IN (${demoCycles})`);
      await manager.query(`DELETE FROM payment.payout_cycle WHERE created_by = 'demo:coverage'`);
      await manager.query(`DELETE FROM payment.coverage_summary WHERE period BETWEEN '2023-08' AND '2023-11'`);
      const demoPayees = `SELECT md5('demo-ha-tinh-2023:payee:' || i)::uuid FROM generate_series(1, 106413) AS i`;
      await manager.query(`DELETE FROM payment.payee_account WHERE beneficiary_id IN (${demoPayees})`);
      await manager.query(`DELETE FROM payment.payee WHERE beneficiary_id IN (${demoPayees})`);
    });
    await app.close();
  });

  it('reproduces Hà Tĩnh November 2023 from its rows, and loading twice changes nothing', async () => {
    const first = await run(process.execPath, [LOADER, TEST_ENV.DATABASE_URL]);
    expect(first.stdout).toContain('16,243 of 106,413 paid cashless (15.26 %), loaded');
    const db = app.get(DataSource);
    const counts = async () => (await db.query(`SELECT (SELECT count(*) FROM payment.entitlement WHERE period BETWEEN '2023-08' AND '2023-11')::int AS entitlements, (SELECT count(*) FROM payment.payout_attempt)::int AS attempts`))[0];
    const before = await counts();
    // the rows say it: 16,243 November payments settled into an account, the rest in cash at the post office
    const [rows] = await db.query(
      `SELECT count(*) FILTER (WHERE paid_channel <> 'cash')::int AS cashless, count(*)::int AS paid FROM payment.entitlement WHERE period = '2023-11' AND province_code = '42' AND status = 'paid'`,
    );
    expect(rows).toEqual({ cashless: 16_243, paid: 106_413 });

    const second = await run(process.execPath, [LOADER, TEST_ENV.DATABASE_URL]);
    expect(second.stdout).toContain('(15.26 %), already present');
    expect(await counts()).toEqual(before);

    const report = await request(app.getHttpServer()).get('/reporting/coverage?period=2023-11&programmeCode=TC_XH').set('authorization', `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`).expect(200);
    expect(report.body.total).toMatchObject({ paid: 106_413, paidCashless: 16_243, coverageByCount: 15.26 });
    expect(report.body.areas).toHaveLength(69);
    const districts = await request(app.getHttpServer()).get('/reporting/coverage?period=2023-11&groupBy=district').set('authorization', `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`).expect(200);
    expect(districts.body.areas.every((area: { legacyDistrictCode: string | null }) => /^\d{3}$/.test(area.legacyDistrictCode ?? ''))).toBe(true);
    const trend = await request(app.getHttpServer()).get('/reporting/coverage/trend?from=2023-01&to=2023-12').set('authorization', `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`).expect(200);
    expect(trend.body.months.map((month: { period: string; paidCashless: number }) => [month.period, month.paidCashless])).toEqual([
      ['2023-08', 11_872], ['2023-09', 13_490], ['2023-10', 14_957], ['2023-11', 16_243],
    ]);
  });
});

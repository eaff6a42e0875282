// Demo months for the coverage dashboard: Hà Tĩnh's social-assistance payments of August–November
// 2023, written as payment rows (payees, accounts, cycles, entitlements, attempts) and summarised by
// the database's own coverage views. November reproduces the province's report of 30 Nov 2023 —
// 16,243 of 106,413 beneficiaries paid through an account — because that many rows say so, not
// because a figure is stored anywhere; the earlier months are an illustrative rise towards it.
// Idempotent: a second run finds the rows and only refreshes the summary.
// Usage: node scripts/demo/load-coverage-demo.mjs <DATABASE_URL>
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { loadCoverageScenario } from './coverage-generator.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const [, , databaseUrl] = process.argv;
const PERIODS = ['2023-08', '2023-09', '2023-10', '2023-11'];
const SCENARIO = {
  seed: 'demo-ha-tinh-2023',
  programmeCode: 'TC_XH',
  // Decree 20/2021: the standard level of 360,000 đồng a month until 30 June 2024
  level: 360000,
  people: 106413,
  periods: PERIODS,
  cashlessByPeriod: [11872, 13490, 14957, 16243],
  cccdProvince: '042',
};

const communes = JSON.parse(await readFile(new URL('./ha-tinh-communes.json', import.meta.url), 'utf8'));
const client = new Client({ connectionString: databaseUrl, application_name: 'coverage-demo' });
await client.connect();
try {
  const started = performance.now();
  const [{ present }] = (await client.query(`SELECT count(*)::int AS present FROM payment.entitlement WHERE period = $1 AND province_code = '42' AND programme_code = $2 AND cycle_id IN (SELECT id FROM payment.payout_cycle WHERE created_by = 'demo:coverage')`, [PERIODS[PERIODS.length - 1], SCENARIO.programmeCode])).rows;
  if (present < SCENARIO.people) {
    await loadCoverageScenario(client, { ...SCENARIO, communes: communes.map((commune) => ({ provinceCode: '42', code: commune.code, legacyDistrict: commune.legacyDistrict })) });
    await client.query('ANALYZE payment.payee, payment.payee_account, payment.entitlement, payment.payout_attempt');
  }
  for (const period of PERIODS) await client.query(`SELECT payment.refresh_coverage($1, '42')`, [period]);
  const { rows } = await client.query(
    `SELECT sum(paid_cashless)::int AS cashless, sum(paid)::int AS paid FROM payment.coverage_summary WHERE period = $1 AND province_code = '42' AND programme_code = $2`,
    [PERIODS[PERIODS.length - 1], SCENARIO.programmeCode],
  );
  const { cashless, paid } = rows[0];
  console.log(`coverage demo: Hà Tĩnh ${PERIODS[PERIODS.length - 1]}: ${cashless.toLocaleString('en')} of ${paid.toLocaleString('en')} paid cashless (${((100 * cashless) / paid).toFixed(2)} %), ${present < SCENARIO.people ? 'loaded' : 'already present'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await client.end();
}

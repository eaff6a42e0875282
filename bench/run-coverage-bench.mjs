// Coverage benchmark: `npm run bench -- --scenario coverage [--people 1000000 --months 2 --runs 5 --keep]`.
//
// 1. Creates a throw-away database `ansinh_bench_coverage`, migrates the payment schema with the built
//    migrations (npm run bench builds payment first).
// 2. Generates `--people` beneficiaries spread over the 3,321 communes of the 34 provinces, each paid
//    every month of `--months` (bank, cash, fallback bank → cash, every reason for cash), with the
//    generator the demo uses.
// 3. Times the coverage of the last month (a) computed live from the views and (b) read from the
//    per-period summary after refreshing it, and prints the median of `--runs`.
// Not part of `npm test`: it writes millions of rows.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCoverageScenario } from '../scripts/demo/coverage-generator.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist/apps/payment');
const require = createRequire(import.meta.url);
const { Client } = require('pg');

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '1000000' },
    months: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    database: { type: 'string', default: 'ansinh_bench_coverage' },
  },
});

const people = Number(args.people);
const months = Number(args.months);
const runs = Number(args.runs);
const periods = Array.from({ length: months }, (_, k) => `2025-${String(8 + k).padStart(2, '0')}`);
const databaseUrl = Object.assign(new URL(args['admin-url']), { pathname: `/${args.database}` }).toString();

if (!args.reuse) {
  await admin(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${args.database}"`);
  const platform = require(path.join(DIST, 'libs/platform/src/index.js'));
  const { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } = require(path.join(DIST, 'apps/payment/src/database/payment-database.js'));
  await platform.runMigrations({ url: databaseUrl, schema: PAYMENT_SCHEMA, poolSize: 1, entities: PAYMENT_ENTITIES, migrations: PAYMENT_MIGRATIONS, applicationName: 'coverage-bench-migrate' });
}

const client = new Client({ connectionString: databaseUrl, application_name: 'coverage-bench' });
await client.connect();
try {
  if (!args.reuse) {
    const { COMMUNES_2025 } = require(path.join(DIST, 'libs/contracts/src/values/communes-2025.js'));
    const communes = Object.entries(COMMUNES_2025).map(([code, [provinceCode]]) => ({ code, provinceCode, legacyDistrict: null }));
    const started = performance.now();
    // coverage rising month by month, from 40 % to 40 % + 5 points per month
    const cashlessByPeriod = periods.map((_, k) => Math.round(people * (0.4 + 0.05 * k)));
    await loadCoverageScenario(client, { seed: 'bench', programmeCode: 'TC_XH', level: 500000, communes, people, periods, cashlessByPeriod, cccdProvince: '042' });
    await client.query('ANALYZE');
    console.log(`generated ${people.toLocaleString('en')} beneficiaries × ${months} months in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const period = periods[periods.length - 1];
  const counts = (await client.query(`SELECT count(*)::int AS n FROM payment.entitlement WHERE period = $1`, [period])).rows[0];
  console.log(`period ${period}: ${counts.n.toLocaleString('en')} entitlements`);

  const live = await time(`SELECT * FROM payment.coverage_area_v WHERE period = $1`, [period]);
  const liveProvince = await time(
    `SELECT province_code, sum(paid)::int AS paid, sum(paid_cashless)::int AS cashless FROM payment.coverage_area_v WHERE period = $1 AND province_code = '42' GROUP BY 1`,
    [period],
  );
  // what closing one province's cycle costs: the trigger refreshes that slice only
  const refreshProvince = await time(`SELECT payment.refresh_coverage($1, '42')`, [period], 1);
  const refresh = await time(`SELECT payment.refresh_coverage($1)`, [period], 1);
  const summary = await time(`SELECT * FROM payment.coverage_summary WHERE period = $1`, [period]);
  const national = await time(
    `SELECT province_code, sum(paid)::int AS paid, sum(paid_cashless)::int AS cashless, sum(amount_paid_dong)::bigint AS amount FROM payment.coverage_summary WHERE period = $1 GROUP BY 1`,
    [period],
  );
  const check = await client.query(
    `SELECT (SELECT sum(paid) FROM payment.coverage_summary WHERE period = $1)::int AS summary_paid,
            (SELECT count(DISTINCT beneficiary_id) FROM payment.entitlement WHERE period = $1 AND status = 'paid')::int AS paid`,
    [period],
  );
  console.log(`\ncoverage of ${period} over ${people.toLocaleString('en')} beneficiaries (median of ${runs}; PostgreSQL ${(await client.query('SHOW server_version')).rows[0].server_version})`);
  console.table({
    'live view, every area (coverage_area_v)': live,
    'live view, one province': liveProvince,
    'refresh_coverage(period, one province) (once)': refreshProvince,
    'refresh_coverage(period), every province (once)': refresh,
    'summary, every area (coverage_summary)': summary,
    'summary, national by province': national,
  });
  console.log(`consistency: summary paid ${check.rows[0].summary_paid} = distinct paid beneficiaries ${check.rows[0].paid}`);
  console.log(`load average while measuring: ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
} finally {
  await client.end();
  if (!args.keep) await admin(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
}

async function time(sql, params, times = runs) {
  const samples = [];
  let rows = 0;
  for (let run = 0; run < times; run += 1) {
    const started = performance.now();
    rows = (await client.query(sql, params)).rowCount;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { 'median ms': Math.round(samples[Math.floor(samples.length / 2)]), 'min ms': Math.round(samples[0]), rows };
}

async function admin(sql) {
  const connection = new Client({ connectionString: args['admin-url'] });
  await connection.connect();
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

// Payout-cycle benchmark (S1: 100,000 beneficiaries of one province; S2: --beneficiaries 1000000), end to end.
//
//   npm run bench -- --scenario cycle [--beneficiaries 100000] [--keep] [--brokers host:port]
//   (or, once built: node bench/run-cycle-bench.mjs …)
//
// Seeded, not measured (written straight into the projection tables the services' own consumers fill
// from the beneficiary service's events; the events themselves are not replayed):
//   - payment.payee: N active payees of programme TC_XH in Hà Tĩnh (province 42), communes of the 2025
//     list, categories NCT_80 / KT_NANG / KT_DB_NANG (500,000 / 750,000 / 1,000,000 đồng a month);
//   - payment.payee_account: one verified, payable account each for 98 % of them (five banks and MoMo), the
//     number sealed under the transport key exactly as accountVerified events carry it; 2 % have none (cash);
//   - notification.recipient: every payee with a mobile number (so every payout notice goes by SMS);
//   - the bank stand-in's account book (its seed file): every account, holder name in the bank's form;
//     2 % of accounts closed (→ AC04, the payout falls back to cash at VNPOST) and 0.3 % of holders
//     deceased (→ MD07, held for an officer, never redirected).
// Measured, on one clock from the first HTTP call, with the payment service, the notification service,
// the bank stand-in and the messaging-provider stand-in running as real processes from dist/:
//   cycle generation (POST /cycles) → batch preparation (POST /cycles/:id/batches) → approval of every
//   batch by a supervisor (POST /batches/:id/approve) → instructions published by the outbox relay → the
//   bank stand-in answers over Kafka → results applied (every entitlement paid or held) → every payout event
//   taken in by the notification service (notices written and queued) → GET /cycles/:id/conservation.
// Then, with the services stopped, the baselines on the same machine: PostgreSQL COPY of N entitlement-sized
// rows into a plain table, and kafkajs produce + consume of N instruction-sized messages; ours ÷ baseline.
// The run fails (exit 1) unless: N entitled, conservation balanced with nothing unexplained, every
// entitlement final, nobody paid twice (by our attempts and by the bank's own ledger), every payout
// event taken in once.
// Not part of `npm test`: it runs for minutes and starts a Kafka broker of its own (like the notification
// benchmark), so 100,000 instructions never land on the shared broker, where other engineers' bank
// stand-ins subscribe from the beginning.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const IORedis = require('ioredis');

const { values: args } = parseArgs({
  options: {
    beneficiaries: { type: 'string', default: '100000' },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    database: { type: 'string', default: 'ansinh_bench_cycle' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    // an existing broker instead of the benchmark's own (its topics then keep the run's messages)
    brokers: { type: 'string' },
    partitions: { type: 'string', default: '3' },
    // share of accounts the bank finds closed (AC04 → cash) and of holders it knows as deceased (MD07 → held)
    'closed-rate': { type: 'string', default: '0.02' },
    'deceased-rate': { type: 'string', default: '0.003' },
    'no-account-rate': { type: 'string', default: '0.02' },
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for the payment and notification services
    'service-node-options': { type: 'string' },
    'skip-baselines': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

// A script, not a service: it has no typed config; the children it starts inherit PATH from here.
// eslint-disable-next-line no-restricted-syntax
const inherited = process.env;
const N = Number(args.beneficiaries);
const PORTS = { payment: 3261, notification: 3262, bank: 4261, messaging: 4262, smtp: 4263, kafka: 29192, kafkaController: 29193 };
const INFRA_DIR = '/tmp/ansinh-cycle-bench-infra';
const RUN = `bench-cycle-${Date.now()}`;
const PERIOD = '2026-12';
const PROGRAMME = 'TC_XH';
const PROVINCE = '42';
const children = new Map();
let cleaned = false;

if (!Number.isInteger(N) || N < 10) {
  console.error('usage: node bench/run-cycle-bench.mjs [--beneficiaries 100000] [--brokers host:port] [--keep] [--skip-baselines]');
  process.exit(2);
}
const ENTRIES = {
  payment: 'dist/apps/payment/apps/payment/src/main.js',
  paymentMigrate: 'dist/apps/payment/apps/payment/src/migrate.js',
  notification: 'dist/apps/notification/apps/notification/src/main.js',
  notificationMigrate: 'dist/apps/notification/apps/notification/src/migrate.js',
  bank: 'dist/stand-ins/bank/stand-ins/bank/src/main.js',
  messaging: 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js',
};
for (const entry of Object.values(ENTRIES)) {
  if (!existsSync(path.join(ROOT, entry))) {
    console.error(`missing ${entry}: run npx nest build payment && npx nest build notification && npx nest build bank-stand-in && npx nest build messaging-providers-stand-in`);
    process.exit(2);
  }
}
const contracts = require(path.join(ROOT, 'dist/apps/payment/libs/contracts/src/index.js'));
const platform = require(path.join(ROOT, 'dist/apps/payment/libs/platform/src/index.js'));

const databaseUrl = Object.assign(new URL(args['admin-url']), { pathname: `/${args.database}` }).toString();
const ownBroker = !args.brokers;
const brokers = args.brokers ?? `127.0.0.1:${PORTS.kafka}`;
const infraEnv = { ...inherited, ANSINH_INFRA_DIR: INFRA_DIR, KAFKA_PORT: String(PORTS.kafka), KAFKA_CONTROLLER_PORT: String(PORTS.kafkaController) };

// Keys made for this run only.
const instructionKeys = generateKeyPairSync('ed25519');
const bankKeys = generateKeyPairSync('ed25519');
const der = (key, type) => key.export({ format: 'der', type }).toString('base64');
const TRANSPORT_KEY = randomBytes(32).toString('base64');
const JWT_SECRET = `bench-${randomBytes(24).toString('hex')}`;
const token = (principal) => platform.issueToken(JWT_SECRET, principal, '8h');
const OFFICER = token({ sub: 'can.bo.ha.tinh', role: 'officer', provinceCode: PROVINCE });
const SUPERVISOR = token({ sub: 'lanh.dao.ha.tinh', role: 'supervisor', provinceCode: PROVINCE });
const AUDITOR = token({ sub: 'kiem.toan.nha.nuoc', role: 'auditor' });

const common = {
  PATH: inherited.PATH ?? '',
  DATABASE_URL: databaseUrl,
  KAFKA_BROKERS: brokers,
  REDIS_URL: args['redis-url'],
  JWT_SECRET,
  LOG_LEVEL: 'warn',
  QUEUE_PREFIX: RUN,
  KAFKA_CONSUMER_GROUP_SUFFIX: `-${RUN}`,
  KAFKA_TOPIC_PARTITIONS: args.partitions,
  HTTP_HOST: '127.0.0.1',
};
const serviceNodeOptions = args['service-node-options'] ? { NODE_OPTIONS: args['service-node-options'] } : {};
const paymentEnv = {
  ...common,
  ...serviceNodeOptions,
  PORT: String(PORTS.payment),
  ACCOUNT_TRANSPORT_KEY: TRANSPORT_KEY,
  INSTRUCTION_SIGNING_KEY: der(instructionKeys.privateKey, 'pkcs8'),
  INSTRUCTION_SIGNING_KEY_ID: 'ansinh-bench',
  BANK_RESULT_PUBLIC_KEYS: JSON.stringify({ '*': der(bankKeys.publicKey, 'spki') }),
  CYCLE_SCHEDULE_ENABLED: 'false',
};
const notificationEnv = {
  ...common,
  ...serviceNodeOptions,
  PORT: String(PORTS.notification),
  SMS_GATEWAY_URL: `http://127.0.0.1:${PORTS.messaging}`,
  ZALO_OA_URL: `http://127.0.0.1:${PORTS.messaging}`,
  SMTP_URL: `smtp://127.0.0.1:${PORTS.smtp}`,
};

// Interrupted or not, the broker, the processes, the queues and the database it made are removed.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
try {
  await main();
} catch (error) {
  console.error(`\ncycle benchmark FAILED: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

async function main() {
  if (ownBroker) startOwnBroker();
  await recreateDatabase();
  const seeded = await seed();
  const seedFile = path.join(os.tmpdir(), `${RUN}-bank-accounts.json`);
  writeFileSync(seedFile, JSON.stringify(seeded.bankAccounts));

  start('bank-stand-in', ENTRIES.bank, {
    PATH: inherited.PATH ?? '',
    PORT: String(PORTS.bank),
    KAFKA_BROKERS: brokers,
    KAFKA_CONSUMER_GROUP_SUFFIX: `-${RUN}`,
    BANK_STAND_IN_TOPIC_PARTITIONS: args.partitions,
    BANK_STAND_IN_SEED_FILE: seedFile,
    ANSINH_INSTRUCTION_PUBLIC_KEY: der(instructionKeys.publicKey, 'spki'),
    BANK_STAND_IN_SIGNING_KEY: der(bankKeys.privateKey, 'pkcs8'),
    BANK_STAND_IN_KEY_ID: 'bank-bench',
  });
  start('messaging-providers-stand-in', ENTRIES.messaging, { PATH: inherited.PATH ?? '', PORT: String(PORTS.messaging), SMTP_PORT: String(PORTS.smtp) });
  await Promise.all([waitForHttp(`http://127.0.0.1:${PORTS.bank}/control`), waitForHttp(`http://127.0.0.1:${PORTS.messaging}/`)]);
  // one after the other: on a fresh broker a service subscribing to topics another one is still creating fails
  start('payment', ENTRIES.payment, paymentEnv);
  await waitForHttp(`http://127.0.0.1:${PORTS.payment}/health`);
  start('notification', ENTRIES.notification, notificationEnv);
  await waitForHttp(`http://127.0.0.1:${PORTS.notification}/health`);
  rmSync(seedFile, { force: true });
  // Every consumer group must have its partitions before the clock starts, or the run measures a rebalance.
  await waitForGroups([`payment-${RUN}`, `notification-${RUN}`, `bank-stand-in-${RUN}`]);

  const db = new Client({ connectionString: databaseUrl, application_name: 'cycle-bench-probe' });
  await db.connect();
  const marks = {};
  const samples = [];
  const clock = performance.now();
  const at = () => (performance.now() - clock) / 1_000;
  const mark = (name) => (marks[name] ??= at());

  console.log(`\nmeasuring: ${N.toLocaleString('en')} payees, cycle ${PROGRAMME} ${PERIOD} in province ${PROVINCE} …`);
  const cycle = await http('POST', PORTS.payment, '/cycles', OFFICER, { programmeCode: PROGRAMME, provinceCode: PROVINCE, period: PERIOD }, 201);
  mark('generated');
  console.log(`  ${at().toFixed(1).padStart(6)} s  cycle generated: ${cycle.entitledCount} entitled, ${cycle.entitledDong} đồng, ${cycle.excludedCount} excluded`);
  const batches = await http('POST', PORTS.payment, `/cycles/${cycle.id}/batches`, OFFICER, undefined, 200);
  mark('prepared');
  console.log(`  ${at().toFixed(1).padStart(6)} s  prepared ${batches.length} batches: ${batches.map((batch) => `${batch.institutionCode} ${batch.itemCount}`).join(', ')}`);

  // The probe runs from the first approval on: instructions leave while later batches are still approved.
  const probeAdmin = new Kafka({ clientId: 'cycle-bench-probe', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await probeAdmin.connect();
  const institutions = [...new Set(batches.map((batch) => batch.institutionCode))];
  const topicsOf = (definitions) => definitions.map((definition) => definition.topic);
  const topics = {
    instructions: topicsOf(institutions.map((code) => contracts.instructionIssuedV1(code))),
    answers: topicsOf(institutions.map((code) => contracts.instructionReportedV1(code))),
    payoutEvents: topicsOf([contracts.payoutSentV1, contracts.payoutSettledV1, contracts.payoutFailedV1, contracts.payoutHeldV1, contracts.payoutCancelledV1]),
  };
  /** Messages on the broker, by kind: instructions published, answers of the bank stand-in, payout events published. */
  const brokerCounts = async () => {
    const counts = {};
    for (const [kind, names] of Object.entries(topics)) {
      counts[kind] = 0;
      for (const topic of names) for (const { high, low } of await probeAdmin.fetchTopicOffsets(topic)) counts[kind] += Number(high) - Number(low);
    }
    return counts;
  };
  let probing = true;
  const probe = (async () => {
    while (probing) {
      // a probe that fails once (the broker moving a leader, a slow query) must not end the run
      try {
        await sampleOnce();
      } catch (error) {
        console.error(`  probe failed, retrying: ${error instanceof Error ? error.message : error}`);
      }
      await sleep(1_000);
    }
  })();
  async function sampleOnce() {
    {
      // Cheap on purpose (the probe shares the 2 cores): what is waiting in the outbox via its partial index,
      // what was published from the broker's offsets, never a scan of the wide outbox table.
      const [db_row] = (
        await db.query(
          `SELECT (SELECT count(*) FROM payment.outbox_event WHERE published_at IS NULL)::int AS outbox_waiting,
                  (SELECT count(*) FROM payment.inbox_event WHERE topic LIKE 'bank.%')::int AS results,
                  (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight'))::int AS open,
                  (SELECT count(*) FROM notification.inbox_event WHERE topic LIKE 'payment.payout.%')::int AS taken_in`,
          [cycle.id],
        )
      ).rows;
      const published = await brokerCounts();
      const row = { ...db_row, instructions: published.instructions, payout_events: published.payoutEvents, instructions_waiting: db_row.outbox_waiting };
      const sample = { seconds: at(), ...row, bank_answers: published.answers, rssMb: Object.fromEntries([...children].map(([name, child]) => [name, Math.round(procStatus(child.pid, 'VmRSS'))])) };
      samples.push(sample);
      if (row.results > 0) mark('firstResultApplied');
      const progress = `  ${sample.seconds.toFixed(1).padStart(6)} s  instructions published ${row.instructions} (outbox waiting ${row.outbox_waiting})  bank answers ${sample.bank_answers}  results applied ${row.results}  open ${row.open}  payout events ${row.taken_in}/${row.payout_events} taken in`;
      // a terminal gets one line redrawn; a log gets a line every 5 s
      if (process.stdout.isTTY) process.stdout.write(`\r${progress}   `);
      else if (samples.length % 5 === 1) console.log(progress);
    }
  }

  for (const batch of batches) {
    await http('POST', PORTS.payment, `/batches/${batch.id}/approve`, SUPERVISOR, { contentHash: batch.contentHash }, 200);
  }
  mark('approved');

  const deadline = Date.now() + Math.max(600_000, N * 6);
  const waitUntil = async (name, test) => {
    for (;;) {
      const last = samples.at(-1);
      if (last && last.seconds >= marks.approved && test(last)) return mark(name);
      if (Date.now() > deadline) throw new Error(`${name}: not reached in time; last sample ${JSON.stringify(last)}`);
      await sleep(100);
    }
  };
  // the first sends; instructions of fallbacks come later and count in the next stage
  await waitUntil('instructionsPublished', (s) => s.instructions >= batches.reduce((sum, batch) => sum + batch.itemCount, 0));
  // every entitlement final: its instruction(s) answered and applied, fallbacks included
  await waitUntil('resultsApplied', (s) => s.open === 0);
  await waitUntil('noticesTakenIn', (s) => s.outbox_waiting === 0 && s.payout_events > 0 && s.taken_in >= s.payout_events);
  probing = false;
  await probe;
  await probeAdmin.disconnect();
  if (process.stdout.isTTY) process.stdout.write('\n');
  const report = await http('GET', PORTS.payment, `/cycles/${cycle.id}/conservation`, AUDITOR, undefined, 200);
  mark('conservationChecked');
  const total = at();

  const peakRssMb = Object.fromEntries([...children].map(([name, child]) => [name, Math.round(procStatus(child.pid, 'VmHWM'))]));
  if (ownBroker) peakRssMb['kafka-broker (JVM)'] = Math.round(procStatus(readBrokerPid(), 'VmHWM'));
  peakRssMb['this driver'] = Math.round(procStatus(process.pid, 'VmHWM'));
  const checks = await verify(db, cycle, report, seeded);
  const instructionBytes = Number(
    (await db.query(`SELECT coalesce(avg(length(envelope::text)), 0)::int AS bytes FROM (SELECT envelope FROM payment.outbox_event WHERE topic LIKE 'bank.%' LIMIT 1000) s`)).rows[0].bytes,
  );
  await db.end();
  await stopChildren();

  const baselines = args['skip-baselines'] ? null : { copy: await copyBaseline(), kafka: await kafkaBaseline(instructionBytes) };
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench -- --scenario cycle --beneficiaries ${N}`,
    beneficiaries: N,
    seeded: seeded.summary,
    batches: batches.map((batch) => ({ institutionCode: batch.institutionCode, items: batch.itemCount, totalDong: batch.totalDong })),
    marks: Object.fromEntries(Object.entries(marks).map(([name, seconds]) => [name, Number(seconds.toFixed(2))])),
    stages: stagesOf(marks),
    totalSeconds: Number(total.toFixed(2)),
    paymentsPerSecond: Math.round(N / total),
    peakRssMb,
    checks,
    instructionBytes,
    baselines,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: os.loadavg().map((value) => Number(value.toFixed(2))) },
  };
  printReport(result);
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', `cycle-bench-${N}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ ...result, samples }, null, 2));
  console.log(`\nfigures saved to ${path.relative(ROOT, out)}`);
  if (checks.failures.length) throw new Error(`correctness checks failed:\n  - ${checks.failures.join('\n  - ')}`);
}

function stagesOf(marks) {
  const order = [
    ['generation (POST /cycles)', 'generated'],
    ['batch preparation', 'prepared'],
    ['approval of every batch (instructions into the outbox)', 'approved'],
    ['last instruction published by the relay', 'instructionsPublished'],
    ['every result applied (paid or held, fallbacks included)', 'resultsApplied'],
    ['every payout event taken in by notification', 'noticesTakenIn'],
    ['conservation report', 'conservationChecked'],
  ];
  let previous = 0;
  return order.map(([stage, name]) => {
    const end = marks[name];
    const row = { stage, endsAtSeconds: Number(end.toFixed(2)), seconds: Number((end - previous).toFixed(2)) };
    previous = end;
    return row;
  });
}

async function verify(db, cycle, report, seeded) {
  const failures = [];
  const expect = (ok, message) => ok || failures.push(message);
  const [row] = (
    await db.query(
      `SELECT (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1)::int AS entitled,
              (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status = 'paid')::int AS paid,
              (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status = 'held')::int AS held,
              (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight'))::int AS open,
              (SELECT count(*) FROM (SELECT entitlement_id FROM payment.payout_attempt WHERE status = 'settled' GROUP BY 1 HAVING count(*) > 1) twice)::int AS paid_twice,
              (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status = 'paid' AND paid_channel = 'cash')::int AS paid_cash,
              (SELECT count(*) FROM payment.outbox_event WHERE topic LIKE 'payment.payout.%')::int AS payout_events,
              (SELECT count(*) FROM notification.inbox_event WHERE topic LIKE 'payment.payout.%')::int AS taken_in,
              (SELECT count(DISTINCT source_event_id) FROM notification.notice_request)::int AS notice_requests,
              -- a failure that is retried or held for an officer is not news for the beneficiary yet (notice policy)
              (SELECT count(*) FROM payment.outbox_event WHERE topic LIKE 'payment.payout.%'
                  AND NOT (topic = 'payment.payout.failed.v1' AND envelope->'payload'->>'nextAction' IN ('retry', 'held_for_review')))::int AS events_with_notice,
              (SELECT count(*) FROM notification.notice)::int AS notices,
              (SELECT count(*) FROM payment.inbox_event WHERE topic LIKE '%.dlq')::int AS payment_dead_letters`,
      [cycle.id],
    )
  ).rows;
  const bank = await http('GET', PORTS.bank, '/ledger/summary', undefined, undefined, 200);
  expect(cycle.entitledCount === N, `entitled ${cycle.entitledCount}, expected ${N}`);
  expect(row.entitled === N, `${row.entitled} entitlement rows, expected ${N}`);
  expect(row.open === 0, `${row.open} entitlements not final`);
  expect(row.paid + row.held === N, `paid ${row.paid} + held ${row.held} ≠ ${N}`);
  expect(row.held === seeded.summary.deceasedHolders, `held ${row.held}, expected ${seeded.summary.deceasedHolders} (deceased holders)`);
  expect(row.paid_twice === 0, `${row.paid_twice} entitlements with more than one settled attempt`);
  expect(bank.endToEndIdsCreditedMoreThanOnce.length === 0, `the bank credited ${bank.endToEndIdsCreditedMoreThanOnce.length} entitlements more than once`);
  expect(bank.invalidSignatures === 0, `${bank.invalidSignatures} instructions with a bad signature at the bank`);
  expect(bank.credits === row.paid, `bank credits ${bank.credits} ≠ paid ${row.paid}`);
  expect(report.balanced === true, `conservation not balanced: ${JSON.stringify({ unexplained: report.total.unexplained, violations: report.violations })}`);
  expect(report.total.unexplained.count === 0 && report.total.unexplained.dong === '0', `unexplained ${JSON.stringify(report.total.unexplained)}`);
  expect(report.total.entitled.dong === cycle.entitledDong, `conservation entitled ${report.total.entitled.dong} ≠ cycle ${cycle.entitledDong}`);
  const paidDong = Object.values(report.total.paid).reduce((sum, bucket) => sum + BigInt(bucket.dong), 0n);
  const heldDong = Object.values(report.total.held).reduce((sum, bucket) => sum + BigInt(bucket.dong), 0n);
  expect(paidDong + heldDong === BigInt(cycle.entitledDong), `paid ${paidDong} + held ${heldDong} ≠ entitled ${cycle.entitledDong} đồng`);
  expect(BigInt(bank.creditedDong) === paidDong, `bank credited ${bank.creditedDong} ≠ paid ${paidDong} đồng`);
  expect(row.taken_in === row.payout_events, `notification took in ${row.taken_in} of ${row.payout_events} payout events`);
  expect(row.notice_requests === row.events_with_notice, `${row.notice_requests} notice requests for ${row.events_with_notice} payout events that call for a notice`);
  return {
    failures,
    entitled: row.entitled,
    entitledDong: cycle.entitledDong,
    paid: row.paid,
    paidDong: paidDong.toString(),
    paidByChannel: Object.fromEntries(Object.entries(report.total.paid).map(([channel, bucket]) => [channel, bucket.count])),
    held: row.held,
    heldByReason: Object.fromEntries(Object.entries(report.total.held).map(([reason, bucket]) => [reason, bucket.count])),
    paidTwice: row.paid_twice,
    bankCreditedTwice: bank.endToEndIdsCreditedMoreThanOnce.length,
    bankAnswers: bank.answers,
    bankRejections: bank.rejectionsByReason,
    conservationBalanced: report.balanced,
    payoutEvents: row.payout_events,
    payoutEventsTakenIn: row.taken_in,
    noticeRequests: row.notice_requests,
    notices: row.notices,
  };
}

// ---------------------------------------------------------------------------------------------
// Seeding

function random32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function seed() {
  const started = performance.now();
  const random = random32(20_261_201);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const pad = (value, length) => String(value).padStart(length, '0');
  const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
  const MIDDLE = { female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim'], male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang'] };
  const GIVEN = { female: ['Đào', 'Lan', 'Hoa', 'Mai', 'Hương', 'Nhung', 'Thảo', 'Hằng'], male: ['Hùng', 'Dũng', 'Tuấn', 'Nam', 'Sơn', 'Long', 'Thắng', 'Bình'] };
  const CATEGORIES = [
    ['NCT_80', 0.6],
    ['KT_NANG', 0.3],
    ['KT_DB_NANG', 0.1],
  ];
  // where Hà Tĩnh's beneficiaries keep their money: five banks and one e-wallet
  const INSTITUTIONS = [
    ['970405', 'bank', 0.35], // Agribank
    ['970436', 'bank', 0.2], // Vietcombank
    ['970418', 'bank', 0.15], // BIDV
    ['970415', 'bank', 0.15], // VietinBank
    ['970422', 'bank', 0.1], // MB
    ['MOMO', 'ewallet', 0.05],
  ];
  const weighted = (items, weightAt) => {
    let draw = random();
    for (const item of items) if ((draw -= item[weightAt]) < 0) return item;
    return items.at(-1);
  };
  const communes = Object.keys(contracts.COMMUNES_2025).filter((code) => contracts.COMMUNES_2025[code][0] === PROVINCE);
  const transport = platform.FieldCipher.fromBase64(TRANSPORT_KEY);
  const payableFrom = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const rates = { closed: Number(args['closed-rate']), deceased: Number(args['deceased-rate']), noAccount: Number(args['no-account-rate']) };
  const summary = { payees: N, accounts: 0, noAccount: 0, closedAccounts: 0, deceasedHolders: 0, byInstitution: {} };
  const bankAccounts = [];

  const db = new Client({ connectionString: databaseUrl, application_name: 'cycle-bench-seed' });
  await db.connect();
  const CHUNK = 10_000;
  for (let offset = 0; offset < N; offset += CHUNK) {
    const payees = { id: [], cccd: [], name: [], category: [], commune: [], event: [] };
    const accounts = { id: [], beneficiary: [], channel: [], institution: [], masked: [], sealed: [] };
    const recipients = { id: [], name: [], phone: [], commune: [] };
    for (let index = offset; index < Math.min(N, offset + CHUNK); index += 1) {
      const gender = random() < 0.6 ? 'female' : 'male';
      const year = 1930 + Math.floor(random() * 60);
      const name = `${pick(FAMILY)} ${pick(MIDDLE[gender])} ${pick(GIVEN[gender])}`;
      const id = randomUUID();
      const commune = pick(communes);
      payees.id.push(id);
      payees.cccd.push(`042${(Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0)}${pad(year % 100, 2)}${pad(index % 1_000_000, 6)}`);
      payees.name.push(name);
      payees.category.push(weighted(CATEGORIES, 1)[0]);
      payees.commune.push(commune);
      payees.event.push(randomUUID());
      recipients.id.push(id);
      recipients.name.push(name);
      recipients.phone.push(`09${pad((index * 7_919) % 100_000_000, 8)}`);
      recipients.commune.push(commune);
      if (random() < rates.noAccount) {
        summary.noAccount += 1;
        continue;
      }
      const [institution, channel] = weighted(INSTITUTIONS, 2);
      const number = channel === 'ewallet' ? `09${pad(index % 100_000_000, 8)}` : `${pad(Math.floor(random() * 1e6), 6)}${pad(index, 7)}`;
      const accountId = randomUUID();
      accounts.id.push(accountId);
      accounts.beneficiary.push(id);
      accounts.channel.push(channel);
      accounts.institution.push(institution);
      accounts.masked.push(`****${number.slice(-4)}`);
      accounts.sealed.push(transport.encrypt(number, contracts.accountTransportContext(accountId)).toString('base64'));
      summary.accounts += 1;
      summary.byInstitution[institution] = (summary.byInstitution[institution] ?? 0) + 1;
      const draw = random();
      const deceased = draw < rates.deceased;
      const closed = !deceased && draw < rates.deceased + rates.closed;
      if (deceased) summary.deceasedHolders += 1;
      if (closed) summary.closedAccounts += 1;
      bankAccounts.push({ institution, account: number, holderName: contracts.foldVietnamese(name), status: closed ? 'closed' : 'active', deceased });
    }
    await db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, status, registered_at, source_event_id, status_changed_at)
       SELECT id, cccd, full_name, $7, category_code, $8, commune_code, 'active', now() - interval '60 days', event_id, now() - interval '59 days'
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[]) AS s(id, cccd, full_name, category_code, commune_code, event_id)`,
      [payees.id, payees.cccd, payees.name, payees.category, payees.commune, payees.event, PROGRAMME, PROVINCE],
    );
    await db.query(
      `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, account_number_sealed, priority, status, payable_from, state_at)
       SELECT id, beneficiary_id, channel, institution_code, masked, sealed, 1, 'verified', $7::timestamptz, $7::timestamptz
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS s(id, beneficiary_id, channel, institution_code, masked, sealed)`,
      [accounts.id, accounts.beneficiary, accounts.channel, accounts.institution, accounts.masked, accounts.sealed, payableFrom],
    );
    await db.query(
      `INSERT INTO notification.recipient (beneficiary_id, full_name, phone, province_code, commune_code, source_event_id)
       SELECT id, full_name, phone, $5, commune_code, gen_random_uuid() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS s(id, full_name, phone, commune_code)`,
      [recipients.id, recipients.name, recipients.phone, recipients.commune, PROVINCE],
    );
  }
  await db.query('ANALYZE');
  await db.end();
  console.log(
    `seeded in ${((performance.now() - started) / 1_000).toFixed(1)} s: ${N.toLocaleString('en')} payees, ${summary.accounts.toLocaleString('en')} verified accounts ` +
      `(${summary.closedAccounts} closed at the bank, ${summary.deceasedHolders} holders deceased), ${summary.noAccount} without an account, ${N.toLocaleString('en')} recipients`,
  );
  return { summary, bankAccounts };
}

// ---------------------------------------------------------------------------------------------
// Baselines: the same volume through the bare building blocks, nothing else running.

async function copyBaseline() {
  const client = new Client({ connectionString: databaseUrl, application_name: 'cycle-bench-copy' });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await client.query(`DROP TABLE IF EXISTS bench.plain_entitlement`);
  // the entitlement row's columns, without its keys, checks and indexes
  await client.query(`CREATE TABLE bench.plain_entitlement (id uuid, cycle_id uuid, beneficiary_id uuid, programme_code text, period text, kind text,
                        amount_dong bigint, level_dong bigint, coefficient_milli int, province_code text, commune_code text, status text)`);
  const cycleId = randomUUID();
  const started = performance.now();
  const lines = (function* () {
    for (let offset = 0; offset < N; offset += 1_000) {
      let chunk = '';
      for (let index = offset; index < Math.min(N, offset + 1_000); index += 1) {
        chunk += `${randomUUID()}\t${cycleId}\t${randomUUID()}\t${PROGRAMME}\t${PERIOD}\tmonthly\t500000\t500000\t1000\t${PROVINCE}\t18073\tawaiting_approval\n`;
      }
      yield chunk;
    }
  })();
  await pipeline(Readable.from(lines), client.query(copyFrom(`COPY bench.plain_entitlement FROM STDIN`)));
  const seconds = (performance.now() - started) / 1_000;
  const [{ count }] = (await client.query(`SELECT count(*)::int AS count FROM bench.plain_entitlement`)).rows;
  await client.query(`DROP SCHEMA bench CASCADE`);
  await client.end();
  console.log(`COPY baseline: ${count.toLocaleString('en')} entitlement-sized rows in ${seconds.toFixed(2)} s`);
  return { rows: count, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(count / seconds) };
}

async function kafkaBaseline(messageBytes) {
  const kafka = new Kafka({ clientId: 'cycle-bench-baseline', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const topic = `bench.baseline.instruction.${RUN}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: Number(args.partitions) }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `baseline-${RUN}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let received = 0;
  let allReceived;
  const done = new Promise((resolve) => (allReceived = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      received += batch.messages.length;
      if (received >= N) allReceived();
    },
  });
  await waitForGroups([`baseline-${RUN}`], kafka);
  const filler = 'x'.repeat(Math.max(0, messageBytes - 40));
  const started = performance.now();
  for (let offset = 0; offset < N; offset += 1_000) {
    const messages = [];
    for (let index = offset; index < Math.min(N, offset + 1_000); index += 1) messages.push({ key: randomUUID(), value: `{"n":${index},"f":"${filler}"}` });
    await producer.send({ topic, acks: -1, messages });
  }
  const produced = performance.now();
  await done;
  const seconds = (performance.now() - started) / 1_000;
  await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  console.log(`kafkajs baseline: ${N.toLocaleString('en')} messages of ${messageBytes} bytes produced (acks=all, 1,000 per request) and consumed in ${seconds.toFixed(2)} s`);
  return { messages: N, messageBytes, produceSeconds: Number(((produced - started) / 1_000).toFixed(2)), seconds: Number(seconds.toFixed(2)), messagesPerSecond: Math.round(N / seconds) };
}

// ---------------------------------------------------------------------------------------------
// Plumbing

function printReport(result) {
  const line = (label, value) => console.log(`  ${label.padEnd(58)} ${value}`);
  console.log(`\n=== payout-cycle benchmark: ${result.beneficiaries.toLocaleString('en')} beneficiaries (provisional: shared machine) ===`);
  console.log(`  command: ${result.command}`);
  console.log(`  batches: ${result.batches.map((batch) => `${batch.institutionCode} ${batch.items}`).join(', ')}`);
  console.log('  stage (ends at / takes, one clock; later stages overlap the approval)');
  for (const stage of result.stages) line(stage.stage, `${stage.endsAtSeconds.toFixed(1).padStart(7)} s   +${stage.seconds.toFixed(1)} s`);
  line('first bank result applied', `${(result.marks.firstResultApplied ?? NaN).toFixed(1).padStart(7)} s`);
  line('TOTAL end to end', `${result.totalSeconds.toFixed(1).padStart(7)} s   ${result.paymentsPerSecond.toLocaleString('en')} payments/s (target S1 ≤ 30 s, S2 ≤ 300 s)`);
  console.log('  peak RSS (VmHWM)');
  for (const [name, mb] of Object.entries(result.peakRssMb)) line(`  ${name}`, `${mb} MB`);
  const c = result.checks;
  console.log(
    `  checks: entitled ${c.entitled} (${c.entitledDong} đồng); paid ${c.paid} ${JSON.stringify(c.paidByChannel)}; held ${c.held} ${JSON.stringify(c.heldByReason)}; ` +
      `paid twice ${c.paidTwice} (bank: ${c.bankCreditedTwice}); conservation balanced ${c.conservationBalanced}; payout events ${c.payoutEventsTakenIn}/${c.payoutEvents} taken in, ${c.notices} notices`,
  );
  console.log(`  bank answers ${JSON.stringify(c.bankAnswers)} rejections ${JSON.stringify(c.bankRejections)}`);
  if (result.baselines) {
    const { copy, kafka } = result.baselines;
    const floor = copy.seconds + kafka.seconds;
    line('baseline: COPY of N entitlement-sized rows', `${copy.seconds.toFixed(2)} s (${copy.rowsPerSecond.toLocaleString('en')} rows/s)`);
    line(`baseline: kafkajs produce+consume N × ${kafka.messageBytes} B`, `${kafka.seconds.toFixed(2)} s (${kafka.messagesPerSecond.toLocaleString('en')} msg/s)`);
    line('ours ÷ (COPY + Kafka)', `${(result.totalSeconds / floor).toFixed(1)}×`);
    line('ours ÷ COPY   /   ours ÷ Kafka', `${(result.totalSeconds / copy.seconds).toFixed(1)}×   /   ${(result.totalSeconds / kafka.seconds).toFixed(1)}×`);
  }
  console.log(`  machine: ${result.machine.cpus} × ${result.machine.model}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, load at end ${result.machine.loadAverageAtEnd.join(' ')}`);
}

function http(method, port, urlPath, bearer, body, expected) {
  // node:http rather than fetch: approving a 1,000,000-line batch may take longer than fetch's header timeout
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== expected) return reject(new Error(`${method} ${urlPath} answered ${response.statusCode}: ${text.slice(0, 500)}`));
          resolve(text ? JSON.parse(text) : undefined);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function startOwnBroker() {
  // reuses the jars scripts/infra.sh fetched for the shared broker, so nothing is downloaded again
  const libs = [path.join(inherited.ANSINH_INFRA_DIR ?? path.join(ROOT, '.infra'), 'kafka/libs'), path.join(ROOT, '.infra/kafka/libs')].find((dir) => existsSync(dir));
  mkdirSync(path.join(INFRA_DIR, 'kafka'), { recursive: true });
  if (libs && !existsSync(path.join(INFRA_DIR, 'kafka/libs'))) symlinkSync(libs, path.join(INFRA_DIR, 'kafka/libs'));
  console.log(`starting a Kafka broker of the benchmark's own on 127.0.0.1:${PORTS.kafka} …`);
  execFileSync('bash', [path.join(ROOT, 'scripts/infra.sh'), 'up'], { env: infraEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}

function readBrokerPid() {
  try {
    return Number(readFileSync(path.join(INFRA_DIR, 'kafka/kafka.pid'), 'utf8').trim());
  } catch {
    return 0;
  }
}

async function recreateDatabase() {
  const admin = new Client({ connectionString: args['admin-url'] });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${args.database}"`);
  await admin.end();
  for (const [entry, env] of [
    [ENTRIES.paymentMigrate, paymentEnv],
    [ENTRIES.notificationMigrate, notificationEnv],
  ]) {
    execFileSync(process.execPath, [path.join(ROOT, entry)], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

function start(name, entry, env) {
  const child = spawn(process.execPath, [path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-4_000)));
  child.on('exit', (code, signal) => {
    if (code && !signal && !cleaned) console.error(`\n${name} exited with ${code}:\n${errors}`);
  });
  children.set(name, child);
  return child;
}

async function waitForHttp(url) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within 120 s`);
    await sleep(250);
  }
}

/** Until each group is Stable with members that hold partitions: a condition, not a fixed wait. */
async function waitForGroups(groupIds, kafka = new Kafka({ clientId: 'cycle-bench-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING })) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { groups } = await admin.describeGroups(groupIds);
      if (groups.every((group) => group.state === 'Stable' && group.members.length > 0)) return;
      if (Date.now() > deadline) throw new Error(`consumer groups not stable within 120 s: ${groups.map((group) => `${group.groupId}=${group.state}`).join(', ')}`);
      await sleep(200);
    }
  } finally {
    await admin.disconnect();
  }
}

function procStatus(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function stopChildren() {
  const running = [...children.values()].filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  // a graceful stop that hangs must not leave a service holding the benchmark's ports
  const killer = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), 20_000);
  await Promise.all(exited);
  clearTimeout(killer);
}

async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  await stopChildren();
  if (ownBroker && existsSync(INFRA_DIR)) {
    execFileSync('bash', [path.join(ROOT, 'scripts/infra.sh'), 'down', 'kafka'], { env: infraEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(path.join(INFRA_DIR, 'kafka/data'), { recursive: true, force: true });
  }
  const redis = new IORedis(args['redis-url'], { lazyConnect: true });
  await redis.connect().catch(() => undefined);
  if (redis.status === 'ready') {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${RUN}:*`, 'COUNT', 1_000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
  if (!args.keep) {
    const admin = new Client({ connectionString: args['admin-url'] });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
    await admin.end();
  }
}

// Fault injection during a whole payout cycle (issue #7): the cycle of bench/cycle-harness.mjs runs while the
// payment, notification and beneficiary services, the Kafka broker (once for a few seconds, once for a full
// outage), Redis and PostgreSQL are killed with SIGKILL and started again, the bank's results are duplicated,
// replayed and re-sent in reverse order under new event ids, and poison messages are produced to the topics
// the services consume. After the last fault the run waits (a condition, not a sleep) until every entitlement
// is final and every payout event has reached the notification service, then checks:
//   the harness's conservation checks (verify()): N entitled, paid + held = N, nobody paid twice by our
//   attempts nor by the bank's own ledger, bank credits = paid, conservation balanced, every payout event
//   taken in once; plus: no payee without an entitlement (0 lost), every entitlement final with its channel
//   or reason, the hash-chained audit trails of payment and notification intact (recomputed here from the
//   rows, as AuditTrailService.verify does), every poison message in its topic's dead-letter topic with the
//   expected reason, every service healthy at the end.
//
//   npm run chaos -- [--beneficiaries 100000] [--port-offset 200] [--seed 20261204] [--max-minutes 25]
//
// Loopback only. PostgreSQL and Redis are private to the run (a cluster made with initdb under /tmp, a
// redis-server with AOF everysec and noeviction, as production runs it), so killing them harms no one else;
// the Kafka broker is the harness's own. Not part of `npm test`. Exit 1 when a check fails or the run
// exceeds --max-minutes; the report is printed and written to bench-results/chaos-<N>-<date>.json.
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CYCLE_OPTIONS, ROOT, createCycleHarness, random32 } from './cycle-harness.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const IORedis = require('ioredis');

const { values: args } = parseArgs({
  options: {
    ...CYCLE_OPTIONS,
    // the run's own PostgreSQL and Redis unless given (given ones are killed too: never point these at shared ones)
    'admin-url': { type: 'string' },
    'redis-url': { type: 'string' },
    database: { type: 'string', default: 'ansinh_chaos' },
    'pg-port': { type: 'string', default: '25432' },
    'redis-port': { type: 'string', default: '26379' },
    'beneficiary-port': { type: 'string', default: '25401' },
    seed: { type: 'string', default: '20261204' },
    'max-minutes': { type: 'string', default: '25' },
    'outage-seconds': { type: 'string', default: '60' },
    'payment-kills': { type: 'string', default: '3' },
    // quiet time between one fault's recovery and the next fault
    'gap-seconds': { type: 'string', default: '12' },
  },
});
const SEED = Number(args.seed);
const MAX_MS = Number(args['max-minutes']) * 60_000;
const PG_PORT = Number(args['pg-port']);
const REDIS_PORT = Number(args['redis-port']);
const BENEFICIARY_PORT = Number(args['beneficiary-port']);
const OUTAGE_MS = Number(args['outage-seconds']) * 1_000;
const GAP_MS = Number(args['gap-seconds']) * 1_000;
const privatePg = !args['admin-url'];
const privateRedis = !args['redis-url'];
args['admin-url'] ??= `postgres://postgres@127.0.0.1:${PG_PORT}/postgres`;
args['redis-url'] ??= `redis://127.0.0.1:${REDIS_PORT}`;
const PG_DATA = `/tmp/ansinh-chaos-pg-${PG_PORT}`;
const REDIS_DIR = `/tmp/ansinh-chaos-redis-${REDIS_PORT}`;

// Shorter payout clocks than production's (a result is awaited 15 min there): a result lost while the broker is
// down is sent again within the run. The wait grows with the cycle (3 ms a payee, at least a minute): the bank
// stand-in answers ~400 a second on these 2 cores, and a shorter wait would resend whole batches still in its
// queue (a 60 s wait at 100,000 left 177,687 rows in the outbox). Everything else is the services' own defaults.
const PAYMENT_ENV = {
  PAYOUT_RESULT_TIMEOUT_MS: String(Math.max(60_000, Number(args.beneficiaries) * 3)),
  PAYOUT_SWEEP_INTERVAL_MS: '5000',
  PAYOUT_RETRY_BASE_MS: '2000',
  PAYOUT_RETRY_CAP_MS: '20000',
  PAYOUT_MAX_SENDS: '6',
};
// How the bank stand-in misbehaves during the whole run, on top of the faults: technical refusals (retried from a
// delayed BullMQ job, which a Redis loss must not forget), answers lost on the way back (the sweep resends),
// `accepted` before the final answer, answers spread over up to 3 s.
const BANK_CONTROL = { acceptedFirst: true, rates: { TECH: 0.03 }, noAnswerRate: 0.005, latency: { minMs: 0, maxMs: 3_000 }, seed: SEED };

let harness;
try {
  if (!Number.isInteger(SEED) || !(MAX_MS > 0) || !(OUTAGE_MS >= 0) || !(GAP_MS >= 0)) throw new Error('bad --seed / --max-minutes / --outage-seconds / --gap-seconds');
  harness = createCycleHarness(args, {
    label: 'chaos',
    infraDir: `/tmp/ansinh-chaos-infra-${Number(args['port-offset'])}`,
    serviceEnv: { payment: PAYMENT_ENV },
  });
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\nusage: npm run chaos -- [--beneficiaries 100000] [--port-offset 200] [--seed N] [--max-minutes 25] [--outage-seconds 60] [--keep]`);
  process.exit(2);
}
const { N, RUN, PERIOD, PROGRAMME, PROVINCE, PORTS, contracts, platform, brokers, databaseUrl, children, http, verify } = harness;
const { OFFICER, SUPERVISOR, AUDITOR } = harness.tokens;
// each service's consumer groups: its event handlers, and its batch consumer of bank results / payout events
const SERVICE_GROUPS = { payment: [`payment-${RUN}`, `payment-bank-results-${RUN}`], notification: [`notification-${RUN}`, `notification-payout-events-${RUN}`] };
const GROUPS = [...SERVICE_GROUPS.payment, ...SERVICE_GROUPS.notification, `bank-stand-in-${RUN}`];

const clock = performance.now();
const at = () => (performance.now() - clock) / 1_000;
const log = (message) => console.log(`  ${at().toFixed(1).padStart(7)} s  ${message}`);
const random = random32(SEED);
const infra = { pg: undefined, redis: undefined };
const faults = [];
const poisons = [];
const samples = [];
let pool;
let timedOut = false;
let tornDown;

const overall = setTimeout(() => {
  timedOut = true;
  console.error(`\nchaos run FAILED: not finished within --max-minutes ${args['max-minutes']}`);
}, MAX_MS);
overall.unref();

// kafkajs rejects a promise of its own now and then while the broker is down; the probes retry, the run goes on
const fromKafkajs = (error) => /KafkaJS/.test(`${error?.name} ${error?.constructor?.name} ${error?.stack}`);
for (const event of ['unhandledRejection', 'uncaughtException']) {
  process.on(event, (error) => {
    if (!fromKafkajs(error)) {
      console.error(`\nchaos run FAILED: ${event}: ${error?.stack ?? error}`);
      process.exitCode = 1;
      void tearDown().finally(() => process.exit(1));
      return;
    }
    console.error(`  (kafkajs while the broker is away, ${event} ignored: ${error?.message})`);
  });
}
// Interrupted or not, everything the run started is stopped and its data removed; a second signal does not cut that short.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void tearDown().finally(() => process.exit(130)));
try {
  await main();
} catch (error) {
  console.error(`\nchaos run FAILED: ${error instanceof Error ? error.stack : error}`);
  process.exitCode = 1;
} finally {
  clearTimeout(overall);
  await tearDown();
}
// the probe loop and kafkajs' reconnect timers of a failed run would keep the process alive
process.exit();

async function main() {
  console.log(`chaos run ${RUN}: ${N.toLocaleString('en')} beneficiaries, seed ${SEED}, ports ${JSON.stringify(PORTS)}, PostgreSQL ${args['admin-url']}, Redis ${args['redis-url']}`);
  if (privatePg) startPostgres(true);
  if (privateRedis) startRedis(true);
  await waitUntil('PostgreSQL and Redis answer', async () => (await pgAnswers()) && (await redisAnswers()), 60_000);
  const seeded = await harness.startSystem();
  startBeneficiary();
  await harness.waitForHttp(`http://127.0.0.1:${BENEFICIARY_PORT}/health`);
  await http('POST', PORTS.bank, '/control', undefined, BANK_CONTROL, 200);
  pool = new Pool({ connectionString: databaseUrl, max: 2, application_name: 'chaos-probe', connectionTimeoutMillis: 5_000 });
  // a killed PostgreSQL drops the pool's idle connections; the pool replaces them, the probe retries
  pool.on('error', () => undefined);

  log(`cycle ${PROGRAMME} ${PERIOD} in province ${PROVINCE} …`);
  const cycle = await http('POST', PORTS.payment, '/cycles', OFFICER, { programmeCode: PROGRAMME, provinceCode: PROVINCE, period: PERIOD }, 201);
  const batches = await http('POST', PORTS.payment, `/cycles/${cycle.id}/batches`, OFFICER, undefined, 200);
  log(`${cycle.entitledCount} entitled, ${batches.length} batches: ${batches.map((batch) => `${batch.institutionCode} ${batch.itemCount}`).join(', ')}`);
  const institutions = [...new Set([...batches.map((batch) => batch.institutionCode), 'VNPOST'])].filter((code) => contracts.instructionReportedV1(code));
  const answerTopics = institutions.map((code) => contracts.instructionReportedV1(code).topic);

  let probing = true;
  const probe = (async () => {
    while (probing) {
      await sampleOnce(cycle.id).catch(() => undefined);
      await sleep(1_000);
    }
  })();

  // Batches are approved one before each fault, so every early fault lands on instructions in flight.
  const pending = [...batches];
  const approveNext = async () => {
    const batch = pending.shift();
    if (!batch) return;
    await retrying(`approve ${batch.institutionCode}`, () => http('POST', PORTS.payment, `/batches/${batch.id}/approve`, SUPERVISOR, { contentHash: batch.contentHash }, 200));
    log(`approved batch ${batch.institutionCode} (${batch.itemCount})`);
  };

  const schedule = shuffle([
    ...Array.from({ length: Number(args['payment-kills']) }, () => ['kill', 'payment']),
    ['kill', 'notification'],
    ['kill', 'beneficiary'],
    ['broker-kill', 3_000, 'kill -9 kafka'],
    ['broker-kill', OUTAGE_MS, `kafka full outage ${OUTAGE_MS / 1_000} s`],
    ['redis-kill'],
    ['postgres-kill'],
    ['bank-replay'],
    ['bank-reorder'],
    ['poison'],
  ]);
  console.log(`fault schedule (seed ${SEED}): ${schedule.map((step) => (step.length === 3 ? step[2] : step.join(' '))).join(' → ')}`);
  await approveNext();
  for (const [kind, what, label] of schedule) {
    if (timedOut) throw new Error('over time');
    await sleep(Math.round(GAP_MS * (0.5 + random())));
    await approveNext();
    if (kind === 'kill') faults.push(await killService(what));
    else if (kind === 'broker-kill') faults.push(await killBroker(what, label));
    else if (kind === 'redis-kill') faults.push(await killRedis());
    else if (kind === 'postgres-kill') faults.push(await killPostgres());
    else if (kind === 'bank-replay') faults.push(await bankReplay());
    else if (kind === 'bank-reorder') faults.push(await bankReorder(answerTopics));
    else if (kind === 'poison') faults.push(await poison(answerTopics));
    const fault = faults.at(-1);
    log(`${fault.fault}: ${fault.summary}`);
  }
  while (pending.length) await approveNext();

  log('last fault done; waiting until every entitlement is final and every payout event is taken in …');
  const finished = await waitUntil(
    'every entitlement final, outbox drained, every payout event taken in',
    async () => {
      const last = await sampleOnce(cycle.id);
      return last.open === 0 && last.outbox_waiting === 0 && last.payout_events > 0 && last.taken_in >= last.payout_events;
    },
    Math.max(0, MAX_MS - at() * 1_000),
  );
  const settledAt = at();
  log(`settled: ${JSON.stringify(finished)}`);
  probing = false;
  await probe;

  const report = await http('GET', PORTS.payment, `/cycles/${cycle.id}/conservation`, AUDITOR, undefined, 200);
  const client = await pool.connect();
  let checks;
  const extra = {};
  try {
    checks = await verify(client, cycle, report, seeded);
    const [row] = (
      await client.query(
        `SELECT (SELECT count(*) FROM payment.payee p WHERE p.status = 'active'
                   AND NOT EXISTS (SELECT 1 FROM payment.entitlement e WHERE e.cycle_id = $1 AND e.beneficiary_id = p.beneficiary_id))::int AS payees_without_entitlement,
                (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND NOT (
                   (status = 'paid' AND paid_channel IS NOT NULL) OR (status = 'held' AND final_reason IS NOT NULL)))::int AS not_final_with_reason,
                (SELECT count(*) FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
                   WHERE e.cycle_id = $1 AND a.status IN ('planned', 'sent', 'accepted', 'retry_wait'))::int AS open_attempts,
                (SELECT coalesce(max(send_count), 0) FROM payment.payout_attempt)::int AS max_sends,
                (SELECT count(*) FROM payment.payout_attempt WHERE send_count > 1)::int AS resent_attempts`,
        [cycle.id],
      )
    ).rows;
    Object.assign(extra, row);
    extra.audit = { payment: await verifyAuditChain(client, 'payment'), notification: await verifyAuditChain(client, 'notification') };
  } finally {
    client.release();
  }
  // payment's own verification over HTTP: its audit trail and every entitlement's hash-chained payout history
  extra.paymentTrails = await http('GET', PORTS.payment, '/audit/verify', AUDITOR, undefined, 200);
  extra.deadLetters = await checkDeadLetters();
  extra.health = {};
  for (const [name, port] of [['payment', PORTS.payment], ['notification', PORTS.notification], ['beneficiary', BENEFICIARY_PORT]]) {
    extra.health[name] = (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status ?? 'no answer';
  }
  const failures = [...checks.failures];
  const expect = (ok, message) => ok || failures.push(message);
  expect(extra.payees_without_entitlement === 0, `${extra.payees_without_entitlement} active payees without an entitlement (lost)`);
  expect(extra.not_final_with_reason === 0, `${extra.not_final_with_reason} entitlements not final with a channel or reason`);
  expect(extra.open_attempts === 0, `${extra.open_attempts} payout attempts still open`);
  // payment audits every approval and officer decision of the run; notification audits only officers' actions (none here)
  for (const [schema, audit] of Object.entries(extra.audit)) expect(audit.intact && (schema !== 'payment' || audit.entries > 0), `${schema} audit chain: ${JSON.stringify(audit)}`);
  expect(extra.paymentTrails.intact === true, `payment GET /audit/verify: ${JSON.stringify(extra.paymentTrails)}`);
  expect(extra.deadLetters.missing.length === 0, `poison messages not dead-lettered as expected: ${JSON.stringify(extra.deadLetters.missing.slice(0, 5))}`);
  for (const [name, status] of Object.entries(extra.health)) expect(status === 200, `${name} /health answered ${status} at the end`);
  for (const fault of faults) expect(fault.ok !== false, `${fault.fault}: ${fault.summary}`);

  const result = {
    date: new Date().toISOString(),
    command: `npm run chaos -- --beneficiaries ${N} --port-offset ${args['port-offset']} --seed ${SEED}`,
    beneficiaries: N,
    seed: SEED,
    schedule: schedule.map((step) => (step.length === 3 ? step[2] : step.join(' '))),
    paymentEnv: PAYMENT_ENV,
    bankControl: BANK_CONTROL,
    faults,
    settledAtSeconds: Number(settledAt.toFixed(1)),
    totalSeconds: Number(at().toFixed(1)),
    checks: { ...checks, failures },
    extra,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverageAtEnd: os.loadavg().map((value) => Number(value.toFixed(2))) },
  };
  printReport(result);
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', `chaos-${N}-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ ...result, samples }, null, 2));
  console.log(`\nfigures saved to ${path.relative(ROOT, out)}`);
  if (failures.length) throw new Error(`checks failed:\n  - ${failures.join('\n  - ')}`);
}

// ---------------------------------------------------------------------------------------------
// Progress, read from the database (the probe survives PostgreSQL being down: a failed sample is skipped)

async function sampleOnce(cycleId) {
  const [row] = (
    await pool.query(
      `SELECT (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight'))::int AS open,
              (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('paid', 'held'))::int AS final,
              (SELECT count(*) FROM payment.inbox_event WHERE topic LIKE 'bank.%')::int AS results,
              (SELECT count(*) FROM payment.outbox_event WHERE published_at IS NULL)::int AS outbox_waiting,
              (SELECT count(*) FROM payment.outbox_event WHERE topic LIKE 'payment.payout.%')::int AS payout_events,
              (SELECT count(*) FROM notification.inbox_event WHERE topic LIKE 'payment.payout.%')::int AS taken_in`,
      [cycleId],
    )
  ).rows;
  const sample = { seconds: Number(at().toFixed(1)), ...row };
  samples.push(sample);
  if (samples.length % 10 === 1) log(`open ${row.open}  final ${row.final}  results ${row.results}  outbox waiting ${row.outbox_waiting}  payout events ${row.taken_in}/${row.payout_events} taken in`);
  return sample;
}

/**
 * Seconds from `since` until work moves again: bank results applied grow (while entitlements are open), and
 * payout events taken in by notification grow (while some wait); either is 0 when nothing was left to do.
 */
async function progressAfter(since) {
  const base = samples.findLast((sample) => sample.seconds <= since) ?? samples[0];
  const deadline = Date.now() + 600_000;
  const moved = { results: base.open === 0 ? 0 : null, notices: base.taken_in >= base.payout_events && base.outbox_waiting === 0 ? 0 : null };
  while (Date.now() < deadline && !timedOut && (moved.results === null || moved.notices === null)) {
    for (const sample of samples.filter((entry) => entry.seconds > since)) {
      const after = Number((sample.seconds - since).toFixed(1));
      if (moved.results === null && (sample.results > base.results || sample.open === 0)) moved.results = after;
      if (moved.notices === null && (sample.taken_in > base.taken_in || (sample.outbox_waiting === 0 && sample.taken_in >= sample.payout_events))) moved.notices = after;
    }
    await sleep(250);
  }
  return moved;
}

// ---------------------------------------------------------------------------------------------
// Faults

async function killService(name) {
  const port = { payment: PORTS.payment, notification: PORTS.notification, beneficiary: BENEFICIARY_PORT }[name];
  const group = SERVICE_GROUPS[name];
  const child = children.get(name);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  const downMs = 2_000 + Math.round(random() * 4_000);
  await sleep(downMs);
  const restartedAt = at();
  harness.restart(name);
  const healthy = await secondsUntil(restartedAt, () => healthOf(port));
  const stable = group ? await secondsUntil(restartedAt, () => groupsStable(group)) : null;
  const progress = await progressAfter(restartedAt);
  return record('kill -9 ' + name, { downSeconds: downMs / 1_000, restartedAtSeconds: restartedAt, healthySeconds: healthy, groupStableSeconds: stable, progressSeconds: progress }, `down ${downMs / 1_000} s; /health 200 after ${healthy} s${group ? `, group Stable after ${stable} s` : ''}, bank results moving ${progress.results} s, notification taking in ${progress.notices} s after restart`);
}

async function killBroker(downMs, name) {
  const pid = harness.readBrokerPid();
  if (!pid) return record('kill -9 kafka', { ok: false }, 'no broker pid recorded');
  process.kill(pid, 'SIGKILL');
  await waitUntil('the broker to exit', async () => !alive(pid), 30_000);
  const killedAt = at();
  await sleep(downMs);
  const restartedAt = at();
  // asynchronously, so the probe keeps sampling while the JVM starts
  await new Promise((resolve, reject) => {
    // KAFKA_KEEP_DATA: the same broker with its log, as after a crash; without it infra.sh formats a new one
    const starting = spawn('bash', [path.join(ROOT, 'scripts/infra.sh'), 'up'], { env: { ...harness.infraEnv, KAFKA_KEEP_DATA: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    starting.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-2_000)));
    starting.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`infra.sh up exited ${code}: ${errors}`))));
  });
  const brokerUp = Number((at() - restartedAt).toFixed(1));
  const healthy = await secondsUntil(restartedAt, async () => (await healthOf(PORTS.payment)) && (await healthOf(PORTS.notification)) && (await healthOf(BENEFICIARY_PORT)));
  const stable = await secondsUntil(restartedAt, () => groupsStable(GROUPS));
  const progress = await progressAfter(restartedAt);
  const drained = await secondsUntil(restartedAt, async () => samples.at(-1).seconds > restartedAt && samples.at(-1).outbox_waiting === 0);
  return record(name, { downSeconds: Number((restartedAt - killedAt).toFixed(1)), brokerUpSeconds: brokerUp, healthySeconds: healthy, groupStableSeconds: stable, progressSeconds: progress, outboxDrainedSeconds: drained },
    `down ${(restartedAt - killedAt).toFixed(1)} s; broker up after ${brokerUp} s, every service healthy after ${healthy} s, every group Stable after ${stable} s, bank results moving ${progress.results} s, notification taking in ${progress.notices} s, payment outbox drained ${drained} s after restart`);
}

async function killRedis() {
  if (!privateRedis) return record('kill -9 redis', { ok: false }, 'refused: Redis is not the run\'s own');
  const queuedBefore = await redisJobKeys();
  const exited = new Promise((resolve) => infra.redis.once('exit', resolve));
  infra.redis.kill('SIGKILL');
  await exited;
  await sleep(3_000);
  const restartedAt = at();
  startRedis(false);
  await waitUntil('redis PING', redisAnswers, 60_000);
  const redisUp = Number((at() - restartedAt).toFixed(1));
  const queuedAfter = await redisJobKeys();
  const healthy = await secondsUntil(restartedAt, async () => (await healthOf(PORTS.payment)) && (await healthOf(PORTS.notification)) && (await healthOf(BENEFICIARY_PORT)));
  const progress = await progressAfter(restartedAt);
  return record('kill -9 redis', { redisUpSeconds: redisUp, healthySeconds: healthy, progressSeconds: progress, jobKeysBefore: queuedBefore, jobKeysAfterAofReload: queuedAfter },
    `AOF reloaded in ${redisUp} s (${queuedAfter} of ${queuedBefore} queue keys back); every service healthy after ${healthy} s, bank results moving ${progress.results} s, notification taking in ${progress.notices} s after restart`);
}

async function killPostgres() {
  if (!privatePg) return record('kill -9 postgresql', { ok: false }, 'refused: PostgreSQL is not the run\'s own');
  const pid = Number(readFileSync(path.join(PG_DATA, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // the whole server dies at once, as when its machine or container is killed: the postmaster and its backends
  const backends = childPids(pid);
  for (const victim of [pid, ...backends]) {
    try {
      process.kill(victim, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitUntil('PostgreSQL to exit', async () => ![pid, ...backends].some(alive), 30_000);
  await sleep(3_000);
  const restartedAt = at();
  startPostgres(false);
  await waitUntil('PostgreSQL to answer after crash recovery', pgAnswers, 120_000);
  const pgUp = Number((at() - restartedAt).toFixed(1));
  const recovery = readFileSync(path.join(PG_DATA, 'server.log'), 'utf8').split('\n').filter((line) => /redo (starts|done)|crash|not properly shut down/.test(line)).slice(-4);
  const healthy = await secondsUntil(restartedAt, async () => (await healthOf(PORTS.payment)) && (await healthOf(PORTS.notification)) && (await healthOf(BENEFICIARY_PORT)));
  const progress = await progressAfter(restartedAt);
  return record('kill -9 postgresql', { backendsKilled: backends.length, pgUpSeconds: pgUp, healthySeconds: healthy, progressSeconds: progress, serverLog: recovery },
    `${backends.length} backends killed with the postmaster; crash recovery done, answering after ${pgUp} s; every service healthy after ${healthy} s, bank results moving ${progress.results} s, notification taking in ${progress.notices} s after restart`);
}

/** Every result the bank has sent so far, sent again in the same order under the same event ids. */
async function bankReplay() {
  const { replayed } = await retrying('bank replay', () => http('POST', PORTS.bank, '/results/replay', undefined, {}, 200));
  const progress = await progressAfter(at());
  return record('bank results duplicated and replayed', { replayed, progressSeconds: progress }, `${replayed} results sent again (same event ids)`);
}

/**
 * Results already applied, re-sent newest first under NEW event ids (so the inbox's event-id check does not
 * catch them and the payout state machine must): a settlement again, an `accepted` after its settlement.
 */
async function bankReorder(answerTopics) {
  // the bank's own answers only: not the poison this run may already have put on the same topics
  const messages = (await readTopics(answerTopics, 5_000)).filter((message) => {
    if (message.key?.startsWith('poison-')) return false;
    try {
      return Boolean(JSON.parse(message.value).payload?.signature);
    } catch {
      return false;
    }
  });
  const producer = new Kafka({ clientId: `chaos-reorder-${RUN}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let sent = 0;
  try {
    const reversed = messages.reverse();
    for (let index = 0; index < reversed.length; index += 500) {
      const chunk = reversed.slice(index, index + 500).map((message) => {
        const envelope = JSON.parse(message.value);
        return { topic: message.topic, partition: message.partition, key: message.key, value: JSON.stringify({ ...envelope, eventId: randomUUID() }) };
      });
      for (const message of chunk) {
        await producer.send({ topic: message.topic, messages: [{ partition: message.partition, key: message.key, value: message.value }] });
        sent += 1;
      }
    }
  } finally {
    await producer.disconnect();
  }
  const progress = await progressAfter(at());
  return record('bank results reordered', { read: messages.length, resent: sent, progressSeconds: progress }, `${sent} results re-sent newest first under new event ids`);
}

/** Poison on every partition of two bank answer topics and of the payout topic notification reads. */
async function poison(answerTopics) {
  const producer = new Kafka({ clientId: `chaos-poison-${RUN}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const sample = (await readTopics(answerTopics.slice(0, 1), 50)).find((message) => !message.key?.startsWith('poison-') && message.value.includes('"signature":{'));
  const partitions = Number(args.partitions);
  const kinds = [
    ['malformed JSON', () => '{"eventId": "', 'INVALID_MESSAGE'],
    ['not an envelope', () => JSON.stringify({ hello: 'world', amountDong: '1000000' }), 'INVALID_MESSAGE'],
  ];
  const badSignature = () => {
    const envelope = JSON.parse(sample.value);
    const bytes = Buffer.from(envelope.payload.signature.value, 'base64');
    bytes[0] ^= 0xff;
    return JSON.stringify({ ...envelope, eventId: randomUUID(), payload: { ...envelope.payload, signature: { ...envelope.payload.signature, value: bytes.toString('base64') } } });
  };
  try {
    const targets = [...answerTopics.slice(0, 2).map((topic) => [topic, 'payment', true]), [contracts.payoutSettledV1.topic, 'notification', false]];
    for (const [topic, consumer, signed] of targets) {
      const topicKinds = signed && sample?.value && JSON.parse(sample.value).payload?.signature ? [...kinds, ['bad signature', badSignature, 'REJECTED']] : kinds;
      for (let partition = 0; partition < partitions; partition += 1) {
        for (const [kind, make, expectedReason] of topicKinds) {
          const [metadata] = await producer.send({ topic, messages: [{ partition, key: `poison-${randomUUID()}`, value: make() }] });
          poisons.push({ topic, partition, offset: String(metadata.baseOffset), kind, consumer, expectedReason });
        }
      }
    }
  } finally {
    await producer.disconnect();
  }
  const started = at();
  // how long until every poison is in its dead-letter topic; whether all are is checked at the end, once more
  const inDlq = await secondsUntil(started, async () => (await checkDeadLetters()).missing.length === 0, 300_000, 5_000);
  return record('poison messages', { produced: poisons.length, allDeadLetteredSeconds: inDlq }, `${poisons.length} produced (${[...new Set(poisons.map((entry) => entry.kind))].join(', ')}); all in their DLQ with the expected reason after ${inDlq} s`);
}

async function checkDeadLetters() {
  const dlqTopics = [...new Set(poisons.map((entry) => contracts.deadLetterTopicOf(entry.topic)))];
  const found = dlqTopics.length ? await readTopics(dlqTopics, Number.MAX_SAFE_INTEGER, true) : [];
  const H = contracts.DEAD_LETTER_HEADERS;
  const missing = poisons.filter(
    (entry) =>
      !found.some(
        (message) => message.headers[H.originalTopic] === entry.topic && message.headers[H.originalPartition] === String(entry.partition) && message.headers[H.originalOffset] === entry.offset && message.headers[H.reason] === entry.expectedReason,
      ),
  );
  const reasons = {};
  for (const message of found) reasons[message.headers[H.reason]] = (reasons[message.headers[H.reason]] ?? 0) + 1;
  return { poisons: poisons.length, deadLettersOnTopics: found.length, byReason: reasons, missing: missing.map(({ topic, partition, offset, kind, expectedReason }) => ({ topic, partition, offset, kind, expectedReason })) };
}

function record(fault, figures, summary) {
  return { fault, atSeconds: Number(at().toFixed(1)), ...figures, summary };
}

// ---------------------------------------------------------------------------------------------
// The run's own PostgreSQL and Redis

function pgBin(tool) {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return path.join('/usr/lib/postgresql', versions[0], 'bin', tool);
}

/** As the postgres user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(file, fileArgs) {
  const root = process.getuid?.() === 0;
  return execFileSync(root ? 'runuser' : file, root ? ['-u', 'postgres', '--', file, ...fileArgs] : fileArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/tmp' }).toString();
}

function startPostgres(fresh) {
  if (fresh) {
    rmSync(PG_DATA, { recursive: true, force: true });
    mkdirSync(PG_DATA, { recursive: true, mode: 0o700 });
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', PG_DATA]);
    asPostgres(pgBin('initdb'), ['-D', PG_DATA, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    console.log(`private PostgreSQL cluster in ${PG_DATA} on 127.0.0.1:${PG_PORT}`);
  }
  // fsync stays on: crash recovery after SIGKILL is part of what is tested
  const options = `-p ${PG_PORT} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${PG_DATA} -c max_connections=300 -c shared_buffers=256MB`;
  for (let attempt = 1; ; attempt += 1) {
    try {
      asPostgres(pgBin('pg_ctl'), ['-D', PG_DATA, '-l', path.join(PG_DATA, 'server.log'), '-o', options, '-w', '-t', '120', 'start']);
      infra.pg = Number(readFileSync(path.join(PG_DATA, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return;
    } catch (error) {
      // right after a SIGKILL the old shared memory may still be attached for a moment
      if (attempt >= 20) throw new Error(`pg_ctl start failed: ${error.stderr ?? error}`, { cause: error });
      execFileSync('sleep', ['1']);
    }
  }
}

function startRedis(fresh) {
  if (fresh) {
    rmSync(REDIS_DIR, { recursive: true, force: true });
    mkdirSync(REDIS_DIR, { recursive: true });
    console.log(`private Redis on 127.0.0.1:${REDIS_PORT} (appendonly yes, appendfsync everysec, noeviction) in ${REDIS_DIR}`);
  }
  infra.redis = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(REDIS_PORT), '--dir', REDIS_DIR, '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no', '--logfile', path.join(REDIS_DIR, 'redis.log')],
    { stdio: 'ignore' },
  );
}

async function pgAnswers() {
  const { Client } = require('pg');
  const client = new Client({ connectionString: args['admin-url'], connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers() {
  const redis = new IORedis(args['redis-url'], { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function redisJobKeys() {
  const redis = new IORedis(args['redis-url'], { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${RUN}:*`, 'COUNT', 1_000);
      count += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return count;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Plumbing

function startBeneficiary() {
  const payment = harness.env.payment;
  const env = {
    PATH: payment.PATH,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    REDIS_URL: args['redis-url'],
    JWT_SECRET: payment.JWT_SECRET,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: payment.QUEUE_PREFIX,
    KAFKA_CONSUMER_GROUP_SUFFIX: payment.KAFKA_CONSUMER_GROUP_SUFFIX,
    KAFKA_TOPIC_PARTITIONS: args.partitions,
    HTTP_HOST: '127.0.0.1',
    PORT: String(BENEFICIARY_PORT),
    ACCOUNT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ACCOUNT_TRANSPORT_KEY: payment.ACCOUNT_TRANSPORT_KEY,
    BANK_STAND_IN_URL: `http://127.0.0.1:${PORTS.bank}`,
    // no population registry in this run: nothing is registered during it
    POPULATION_REGISTRY_URL: `http://127.0.0.1:${BENEFICIARY_PORT + 9}`,
  };
  execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/beneficiary/apps/beneficiary/src/migrate.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  harness.start('beneficiary', 'dist/apps/beneficiary/apps/beneficiary/src/main.js', env);
}

async function healthOf(port) {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: globalThis.AbortSignal.timeout(3_000) }).catch(() => undefined);
  return response?.status === 200;
}

async function groupsStable(groupIds) {
  const admin = new Kafka({ clientId: 'chaos-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 } }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.describeGroups(groupIds);
    return groups.every((group) => group.state === 'Stable' && group.members.length > 0);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Reads what the topics hold now (up to `limit` messages), with a consumer group of its own that is then deleted. */
async function readTopics(topics, limit, withHeaders = false) {
  const kafka = new Kafka({ clientId: `chaos-reader-${RUN}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map();
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    for (const { partition, high, low } of offsets) if (Number(high) > Number(low)) ends.set(`${topic}/${partition}`, Number(high));
  }
  const messages = [];
  if (ends.size > 0) {
    const groupId = `chaos-reader-${RUN}-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...ends.keys()].map((key) => key.slice(0, key.lastIndexOf('/'))))], fromBeginning: true });
    const remaining = new Set(ends.keys());
    let done;
    const finished = new Promise((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}`;
        if (messages.length < limit) {
          messages.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString(),
            value: message.value?.toString() ?? '',
            headers: withHeaders ? Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString()])) : {},
          });
        }
        if (Number(message.offset) + 1 >= ends.get(key)) remaining.delete(key);
        if (remaining.size === 0 || messages.length >= limit) done();
      },
    });
    await Promise.race([finished, sleep(60_000)]);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  await admin.disconnect();
  return messages;
}

async function secondsUntil(since, test, timeoutMs = 300_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !timedOut) {
    if (await test().catch(() => false)) return Number((at() - since).toFixed(1));
    await sleep(everyMs);
  }
  return null;
}

async function waitUntil(what, test, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await test();
      if (last) return last;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline || timedOut) throw new Error(`${what}: not reached in time; last: ${JSON.stringify(last ?? samples.at(-1))}`);
    await sleep(500);
  }
}

/** An HTTP call made while a fault may be under way: tried again until it answers as expected. */
async function retrying(what, call) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() > deadline || timedOut) throw new Error(`${what}: ${error instanceof Error ? error.message : error}`, { cause: error });
      await sleep(1_000);
    }
  }
}

async function verifyAuditChain(client, schema) {
  let expectedSeq = 1;
  let prevHash = platform.GENESIS_HASH;
  for (;;) {
    const { rows } = await client.query(`SELECT seq, canonical, prev_hash, hash FROM "${schema}".audit_entry WHERE seq >= $1 ORDER BY seq LIMIT 10000`, [expectedSeq]);
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { intact: false, entries: expectedSeq - 1, brokenAt: expectedSeq, problem: 'GAP' };
      if (row.prev_hash !== prevHash) return { intact: false, entries: seq - 1, brokenAt: seq, problem: 'CHAIN_MISMATCH' };
      if (JSON.parse(row.canonical).seq !== seq || platform.chainHash(prevHash, row.canonical) !== row.hash) return { intact: false, entries: seq - 1, brokenAt: seq, problem: 'HASH_MISMATCH' };
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < 10_000) return { intact: true, entries: expectedSeq - 1 };
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function childPids(parent) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function shuffle(items) {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}

function tearDown() {
  tornDown ??= tearDownOnce();
  return tornDown;
}

async function tearDownOnce() {
  await pool?.end().catch(() => undefined);
  await harness.cleanUp().catch((error) => console.error(`clean-up: ${error instanceof Error ? error.message : error}`));
  if (infra.redis && infra.redis.exitCode === null) {
    const exited = new Promise((resolve) => infra.redis.once('exit', resolve));
    infra.redis.kill('SIGTERM');
    await exited;
  }
  if (privatePg && existsSync(path.join(PG_DATA, 'postmaster.pid'))) {
    try {
      asPostgres(pgBin('pg_ctl'), ['-D', PG_DATA, '-m', 'fast', '-w', 'stop']);
    } catch (error) {
      console.error(`pg_ctl stop: ${error.stderr ?? error}`);
    }
  }
  if (!args.keep) {
    if (privatePg) rmSync(PG_DATA, { recursive: true, force: true });
    if (privateRedis) rmSync(REDIS_DIR, { recursive: true, force: true });
  }
}

function printReport(result) {
  const c = result.checks;
  const e = result.extra;
  console.log(`\n=== fault injection during a payout cycle: ${result.beneficiaries.toLocaleString('en')} beneficiaries, seed ${result.seed} ===`);
  console.log(`  command: ${result.command}`);
  console.log('  fault                                      at (s)  recovery');
  for (const fault of result.faults) console.log(`  ${fault.fault.padEnd(42)} ${String(fault.atSeconds).padStart(7)}  ${fault.summary}`);
  console.log(`  every entitlement final ${result.settledAtSeconds} s after start; total ${result.totalSeconds} s`);
  console.log(
    `  checks: entitled ${c.entitled}; paid ${c.paid} ${JSON.stringify(c.paidByChannel)}; held ${c.held} ${JSON.stringify(c.heldByReason)}; paid twice ${c.paidTwice} (bank ledger: ${c.bankCreditedTwice}); ` +
      `lost ${e.payees_without_entitlement}; not final with a reason ${e.not_final_with_reason}; conservation balanced ${c.conservationBalanced}`,
  );
  console.log(`  payout events ${c.payoutEventsTakenIn}/${c.payoutEvents} taken in by notification; ${c.notices} notices; attempts sent more than once ${e.resent_attempts} (max sends ${e.max_sends})`);
  console.log(`  audit chains: payment ${JSON.stringify(e.audit.payment)}, notification ${JSON.stringify(e.audit.notification)}; payment GET /audit/verify ${JSON.stringify(e.paymentTrails)}`);
  console.log(`  dead letters: ${e.deadLetters.poisons} poisons produced, ${e.deadLetters.missing.length} missing; on the DLQ topics by reason ${JSON.stringify(e.deadLetters.byReason)}`);
  console.log(`  bank answers ${JSON.stringify(c.bankAnswers)}; health at end ${JSON.stringify(e.health)}`);
  console.log(`  machine: ${result.machine.cpus} × ${result.machine.model}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}, load at end ${result.machine.loadAverageAtEnd.join(' ')}`);
  console.log(c.failures.length ? `  FAILED: ${c.failures.length} checks` : '  all checks passed');
}

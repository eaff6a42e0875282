// Notification benchmark: notices per second for one monthly payout cycle (default 100,000 payments).
//
//   npx nest build notification && npx nest build messaging-providers-stand-in
//   node_modules/.bin/node bench/run-notification-bench.mjs [--events 100000] [--latency 20] [--keep]
//
// 1. Starts a Kafka broker of its own (scripts/infra.sh on other ports, in /tmp), so 100,000 events never
//    land on the shared development broker, where every new consumer group would read them again.
//    `--brokers host:port` uses an existing broker instead.
// 2. Creates a throw-away database, migrates it with the built migrate command, and loads one recipient
//    (with a mobile number) per payment, as the registrations would have.
// 3. Starts the messaging-provider stand-in and the built notification service as processes.
// 4. Publishes one `payment.payout.sent.v1` per payment and measures, until every notice is sent: events
//    taken in per second, notices sent per second, end-to-end time, and the service's peak RSS.
// 5. Checks nothing was lost or doubled: notices sent = events = messages the SMS gateway received.
// Not part of `npm test`: it runs for minutes.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const IORedis = require('ioredis');

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    // milliseconds the simulated SMS gateway takes to answer each request
    latency: { type: 'string', default: '20' },
    brokers: { type: 'string' },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    database: { type: 'string', default: 'ansinh_bench_notification' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    concurrency: { type: 'string', default: '64' },
    // partitions of the topics on the benchmark's broker, consumed concurrently by the service
    partitions: { type: 'string', default: '3' },
    // the SMS worker's rate limit; the default measures the system's own capacity, not a gateway quota
    'sms-rate': { type: 'string', default: '100000' },
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the service spends its time
    'service-node-options': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

// A script, not a service: it has no typed config; the children it starts inherit PATH from here.
// eslint-disable-next-line no-restricted-syntax
const inherited = process.env;
const EVENTS = Number(args.events);
const PORTS = { service: 3160, standIn: 4160, smtp: 4161, kafka: 29092, kafkaController: 29093 };
const INFRA_DIR = '/tmp/ansinh-bench-infra';
const TOPIC = 'payment.payout.sent.v1';
const QUEUE_PREFIX = `bench-${Date.now()}`;
const children = [];
let cleaned = false;

if (!Number.isInteger(EVENTS) || EVENTS < 1) {
  console.error('usage: node bench/run-notification-bench.mjs [--events 100000] [--latency 20] [--brokers host:port] [--keep]');
  process.exit(2);
}
for (const entry of ['dist/apps/notification/apps/notification/src/main.js', 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js']) {
  if (!existsSync(path.join(ROOT, entry))) {
    console.error(`missing ${entry}: run npx nest build notification && npx nest build messaging-providers-stand-in`);
    process.exit(2);
  }
}

const databaseUrl = Object.assign(new URL(args['admin-url']), { pathname: `/${args.database}` }).toString();
const ownBroker = !args.brokers;
const brokers = args.brokers ?? `127.0.0.1:${PORTS.kafka}`;
const infraEnv = { ...inherited, ANSINH_INFRA_DIR: INFRA_DIR, KAFKA_PORT: String(PORTS.kafka), KAFKA_CONTROLLER_PORT: String(PORTS.kafkaController) };

const serviceEnv = {
  PATH: inherited.PATH ?? '',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: '20',
  KAFKA_BROKERS: brokers,
  REDIS_URL: args['redis-url'],
  JWT_SECRET: 'bench-secret-for-ansinh-benchmarks-0123456789',
  LOG_LEVEL: 'warn',
  QUEUE_PREFIX,
  KAFKA_CONSUMER_GROUP_SUFFIX: `-bench-${QUEUE_PREFIX}`,
  SMS_GATEWAY_URL: `http://127.0.0.1:${PORTS.standIn}`,
  ZALO_OA_URL: `http://127.0.0.1:${PORTS.standIn}`,
  SMTP_URL: `smtp://127.0.0.1:${PORTS.smtp}`,
  SMS_RATE_PER_SECOND: args['sms-rate'],
  NOTICE_DELIVERY_CONCURRENCY: args.concurrency,
  KAFKA_TOPIC_PARTITIONS: args.partitions,
  ...(args['service-node-options'] ? { NODE_OPTIONS: args['service-node-options'] } : {}),
};

// Interrupted or not, the broker, the processes, the queues and the database it made are removed.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
try {
  await main();
} finally {
  await cleanUp();
}

async function main() {
  if (ownBroker) startOwnBroker();
  await recreateDatabase();
  const beneficiaries = await seedRecipients();

  const standIn = start('messaging-providers-stand-in', 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js', {
    PATH: inherited.PATH ?? '',
    PORT: String(PORTS.standIn),
    SMTP_PORT: String(PORTS.smtp),
    PROVIDER_LATENCY_MS: args.latency,
  });
  await waitForHttp(`http://127.0.0.1:${PORTS.standIn}/`, () => true);
  const service = start('notification', 'dist/apps/notification/apps/notification/src/main.js', { ...serviceEnv, PORT: String(PORTS.service), HTTP_HOST: '127.0.0.1' });
  await waitForHttp(`http://127.0.0.1:${PORTS.service}/health`, (response) => response.status === 200);
  // The service's consumer must have joined before the clock starts, or the first seconds measure a rebalance.
  await sleep(3_000);

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const kafka = new Kafka({ clientId: 'ansinh-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();

  console.log(`publishing ${EVENTS.toLocaleString('en')} ${TOPIC} events (SMS gateway latency ${args.latency} ms) …`);
  const samples = [];
  let peakRssMb = 0;
  const started = Date.now();
  let published = 0;
  let publishedAt = 0;
  const publishing = (async () => {
    for (let offset = 0; offset < EVENTS; offset += 1_000) {
      const batch = beneficiaries.slice(offset, offset + 1_000).map((beneficiaryId) => payoutEvent(beneficiaryId));
      await producer.send({ topic: TOPIC, acks: -1, messages: batch.map((event) => ({ key: event.aggregateId, value: JSON.stringify(event) })) });
      published += batch.length;
    }
    publishedAt = Date.now();
  })();

  let firstSentAt = 0;
  let intakeDoneAt = 0;
  for (;;) {
    await sleep(1_000);
    const [{ requests, sent }] = (
      await db.query(`SELECT (SELECT count(*) FROM notification.notice_request)::int AS requests, (SELECT count(*) FROM notification.notice WHERE status = 'sent')::int AS sent`)
    ).rows;
    const rssMb = rss(service.pid, 'VmRSS');
    peakRssMb = Math.max(peakRssMb, rss(service.pid, 'VmHWM'));
    const seconds = (Date.now() - started) / 1_000;
    samples.push({ seconds, published, requests, sent, rssMb });
    if (sent > 0 && !firstSentAt) firstSentAt = Date.now();
    if (requests >= EVENTS && !intakeDoneAt) intakeDoneAt = Date.now();
    process.stdout.write(`\r  ${seconds.toFixed(0).padStart(4)} s  published ${String(published).padStart(7)}  taken in ${String(requests).padStart(7)}  sent ${String(sent).padStart(7)}  rss ${rssMb.toFixed(0)} MB   `);
    if (sent >= EVENTS) break;
    if (seconds > 3_600) throw new Error('not finished within an hour');
  }
  const finished = Date.now();
  await publishing;
  process.stdout.write('\n');

  const gateway = await (await fetch(`http://127.0.0.1:${PORTS.standIn}/`)).json();
  const [check] = (
    await db.query(
      `SELECT (SELECT count(*) FROM notification.notice)::int AS notices,
              (SELECT count(*) FROM notification.notice_request WHERE status = 'delivered')::int AS delivered,
              (SELECT count(*) FROM notification.notice_delivery_attempt)::int AS attempts,
              (SELECT count(*) FROM notification.notice_delivery_attempt WHERE outcome <> 'accepted')::int AS failed_attempts`,
    )
  ).rows;
  const standInPeakMb = rss(standIn.pid, 'VmHWM');
  await producer.disconnect();
  await db.end();

  const seconds = (finished - started) / 1_000;
  const steady = steadyRate(samples);
  const result = {
    date: new Date().toISOString(),
    events: EVENTS,
    smsGatewayLatencyMs: Number(args.latency),
    deliveryConcurrency: Number(args.concurrency),
    kafkaPartitions: Number(args.partitions),
    publishSeconds: (publishedAt - started) / 1_000,
    intakeSeconds: ((intakeDoneAt || finished) - started) / 1_000,
    endToEndSeconds: seconds,
    noticesPerSecondOverall: Math.round(EVENTS / seconds),
    noticesPerSecondSteady: steady,
    eventsTakenInPerSecond: Math.round(EVENTS / (((intakeDoneAt || finished) - started) / 1_000)),
    serviceRssPeakMb: Math.round(peakRssMb),
    standInRssPeakMb: Math.round(standInPeakMb),
    noticesSent: EVENTS,
    noticeRows: check.notices,
    requestsDelivered: check.delivered,
    deliveryAttempts: check.attempts,
    failedAttempts: check.failed_attempts,
    smsReceivedByGateway: gateway.received.sms,
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  };
  printReport(result);
  mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
  const out = path.join(ROOT, 'bench-results', `notification-bench-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ ...result, samples }, null, 2));
  console.log(`\nwritten to ${path.relative(ROOT, out)}`);
  if (check.notices !== EVENTS || check.delivered !== EVENTS || gateway.received.sms !== EVENTS) {
    console.error('MISMATCH: notices lost or doubled');
    process.exitCode = 1;
  }
}

function payoutEvent(beneficiaryId) {
  const entitlementId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'payment.payout.sent',
    version: 1,
    occurredAt: new Date().toISOString(),
    producer: 'bench',
    correlationId: `bench-${entitlementId}`,
    causationId: null,
    aggregateId: entitlementId,
    payload: {
      entitlementId,
      beneficiaryId,
      cycleId: null,
      programmeCode: 'TC_XH',
      period: '2026-11',
      kind: 'monthly',
      amountDong: '500000',
      provinceCode: '42',
      communeCode: '18073',
      instructionId: randomUUID(),
      attemptNumber: 1,
      channel: 'bank',
      institutionCode: '970436',
      accountNumberMasked: `****${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
      cashCollection: null,
      sentAt: new Date().toISOString(),
    },
  };
}

/** Notices/s over the middle of the run (10 % to 90 % sent), free of start-up and tail effects. */
function steadyRate(samples) {
  const from = samples.find((sample) => sample.sent >= EVENTS * 0.1);
  const to = samples.find((sample) => sample.sent >= EVENTS * 0.9);
  if (!from || !to || to.seconds <= from.seconds) return null;
  return Math.round((to.sent - from.sent) / (to.seconds - from.seconds));
}

function startOwnBroker() {
  const libs = path.join(ROOT, '.infra/kafka/libs');
  mkdirSync(path.join(INFRA_DIR, 'kafka'), { recursive: true });
  // Reuses the jars scripts/infra.sh fetched for the shared broker, so nothing is downloaded again.
  if (existsSync(libs) && !existsSync(path.join(INFRA_DIR, 'kafka/libs'))) symlinkSync(libs, path.join(INFRA_DIR, 'kafka/libs'));
  console.log(`starting a Kafka broker of the benchmark's own on 127.0.0.1:${PORTS.kafka} …`);
  execFileSync('bash', [path.join(ROOT, 'scripts/infra.sh'), 'up'], { env: infraEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function recreateDatabase() {
  const admin = new Client({ connectionString: args['admin-url'] });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${args.database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${args.database}"`);
  await admin.end();
  execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/notification/apps/notification/src/migrate.js')], { env: serviceEnv, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** One recipient per payment, each with a mobile number: every notice goes out by SMS. */
async function seedRecipients() {
  const ids = Array.from({ length: EVENTS }, () => randomUUID());
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  for (let offset = 0; offset < ids.length; offset += 10_000) {
    const slice = ids.slice(offset, offset + 10_000);
    await db.query(
      `INSERT INTO notification.recipient (beneficiary_id, full_name, phone, province_code, commune_code, source_event_id)
       SELECT id, 'Nguyễn Thị Đào', '09' || lpad((($2::int + ordinality) % 100000000)::text, 8, '0'), '42', '18073', gen_random_uuid()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS seeded(id, ordinality)`,
      [slice, offset],
    );
  }
  await db.end();
  console.log(`seeded ${EVENTS.toLocaleString('en')} recipients in ${args.database}`);
  return ids;
}

function start(name, entry, env) {
  const child = spawn(process.execPath, [path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-4_000)));
  child.on('exit', (code, signal) => {
    if (code && !signal) console.error(`\n${name} exited with ${code}:\n${errors}`);
  });
  children.push(child);
  return child;
}

async function waitForHttp(url, ready) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response && ready(response)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
    await sleep(200);
  }
}

function rss(pid, field) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function printReport(result) {
  console.log(`
Notification benchmark: ${result.events.toLocaleString('en')} payments, one SMS notice each
  events published                ${result.publishSeconds.toFixed(1)} s
  events taken in (Kafka → notice rows, inbox transaction)   ${result.eventsTakenInPerSecond} events/s
  all notices sent                ${result.endToEndSeconds.toFixed(1)} s end to end
  notices/s overall               ${result.noticesPerSecondOverall}
  notices/s steady (10 %–90 %)    ${result.noticesPerSecondSteady ?? 'n/a'}
  notification service peak RSS   ${result.serviceRssPeakMb} MB   (stand-in ${result.standInRssPeakMb} MB)
  check: ${result.noticeRows} notice rows, ${result.requestsDelivered} requests delivered, ${result.smsReceivedByGateway} SMS at the gateway, ${result.deliveryAttempts} attempts (${result.failedAttempts} not accepted)
  machine: ${result.machine.cpus} CPUs, Node ${result.machine.node}; gateway latency ${result.smsGatewayLatencyMs} ms, ${result.deliveryConcurrency} concurrent deliveries, ${result.kafkaPartitions} partitions`);
}

async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  // a graceful stop that hangs must not leave a service holding the benchmark's ports
  const killer = setTimeout(() => running.forEach((child) => child.kill('SIGKILL')), 20_000);
  await Promise.all(exited);
  clearTimeout(killer);
  if (ownBroker && existsSync(INFRA_DIR)) {
    execFileSync('bash', [path.join(ROOT, 'scripts/infra.sh'), 'down', 'kafka'], { env: infraEnv, stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(path.join(INFRA_DIR, 'kafka/data'), { recursive: true, force: true });
  }
  const redis = new IORedis(args['redis-url'], { lazyConnect: true });
  await redis.connect().catch(() => undefined);
  if (redis.status === 'ready') {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1_000);
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

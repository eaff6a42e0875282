// What every run of a whole payout cycle on this machine needs, shared by the cycle benchmark (S1/S2), the
// scale-out demonstration and the fault-injection run: a Kafka broker of the run's own, a throw-away database
// migrated by the services' own migrations, N seeded payees, the bank and messaging stand-ins, the payment and
// notification services as real processes from dist/, and the end-of-run correctness checks.
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
import { Buffer } from 'node:buffer';
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { AssignerProtocol, Kafka, logLevel } = require('kafkajs');
const IORedis = require('ioredis');

/** The options a cycle run understands, as parseArgs declares them; each script adds its own. */
export const CYCLE_OPTIONS = {
  beneficiaries: { type: 'string', default: '100000' },
  'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  database: { type: 'string', default: 'ansinh_bench_cycle' },
  'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  // an existing broker instead of the run's own (its topics then keep the run's messages)
  brokers: { type: 'string' },
  partitions: { type: 'string', default: '3' },
  // share of accounts the bank finds closed (AC04 → cash) and of holders it knows as deceased (MD07 → held)
  'closed-rate': { type: 'string', default: '0.02' },
  'deceased-rate': { type: 'string', default: '0.003' },
  'no-account-rate': { type: 'string', default: '0.02' },
  // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" for the payment and notification services
  'service-node-options': { type: 'string' },
  keep: { type: 'boolean', default: false },
  // shifts every port of the run (and its broker's directory), so two runs can share the machine
  'port-offset': { type: 'string', default: '0' },
};

/** A small seeded generator (mulberry32): the same seed draws the same people and the same faults on every run. */
export function random32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Where a cycle's pipeline stands, from cheap counts (the outbox through its partial index): what every run's probe samples. */
export async function pipelineProgress(db, cycleId) {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM payment.outbox_event WHERE published_at IS NULL)::int AS outbox_waiting,
            (SELECT count(*) FROM payment.inbox_event WHERE topic LIKE 'bank.%')::int AS results,
            (SELECT count(*) FROM payment.entitlement WHERE cycle_id = $1 AND status IN ('awaiting_approval', 'in_flight'))::int AS open,
            (SELECT count(*) FROM notification.inbox_event WHERE topic LIKE 'payment.payout.%')::int AS taken_in`,
    [cycleId],
  );
  return rows[0];
}

const ENTRIES = {
  payment: 'dist/apps/payment/apps/payment/src/main.js',
  paymentMigrate: 'dist/apps/payment/apps/payment/src/migrate.js',
  notification: 'dist/apps/notification/apps/notification/src/main.js',
  notificationMigrate: 'dist/apps/notification/apps/notification/src/migrate.js',
  bank: 'dist/stand-ins/bank/stand-ins/bank/src/main.js',
  messaging: 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js',
};

/**
 * @param args the parsed CYCLE_OPTIONS
 * @param setting.label names the run (queue prefix, consumer-group suffix, files)
 * @param setting.ports HTTP ports of the processes and of the run's own broker
 * @param setting.infraDir where the run's own broker keeps its files
 * @param setting.serviceEnv extra environment per process ({ payment, notification, bank }), e.g. the fault run's
 *   shorter payout timeouts; absent, every process starts exactly as the benchmark starts it
 */
export function createCycleHarness(args, { label = 'bench-cycle', ports = {}, infraDir, serviceEnv = {} } = {}) {
  // A script, not a service: it has no typed config; the children it starts inherit PATH from here.
  // eslint-disable-next-line no-restricted-syntax
  const inherited = process.env;
  const N = Number(args.beneficiaries);
  const offset = Number(args['port-offset'] ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw new Error('--port-offset must be an integer from 0 to 10000');
  const PORTS = Object.fromEntries(
    Object.entries({ payment: 3261, notification: 3262, payment2: 3271, notification2: 3272, bank: 4261, messaging: 4262, smtp: 4263, kafka: 29192, kafkaController: 29193, ...ports }).map(([name, port]) => [name, port + offset]),
  );
  const INFRA_DIR = infraDir ?? `/tmp/ansinh-cycle-bench-infra${offset ? `-${offset}` : ''}`;
  const RUN = `${label}-${Date.now()}`;
  const PERIOD = '2026-12';
  const PROGRAMME = 'TC_XH';
  const PROVINCE = '42';
  const children = new Map();
  const launches = new Map();
  let cleaned = false;

  if (!Number.isInteger(N) || N < 10) throw new Error('--beneficiaries must be an integer of at least 10');
  for (const entry of Object.values(ENTRIES)) {
    if (!existsSync(path.join(ROOT, entry))) {
      throw new Error(`missing ${entry}: run npx nest build payment && npx nest build notification && npx nest build bank-stand-in && npx nest build messaging-providers-stand-in`);
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
    // the relay's batch size can be set for an A/B run (OUTBOX_BATCH_SIZE=500 node bench/run-cycle-bench.mjs …)
    ...(inherited.OUTBOX_BATCH_SIZE ? { OUTBOX_BATCH_SIZE: inherited.OUTBOX_BATCH_SIZE } : {}),
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
    ...serviceEnv.payment,
  };
  const notificationEnv = {
    ...common,
    ...serviceNodeOptions,
    PORT: String(PORTS.notification),
    SMS_GATEWAY_URL: `http://127.0.0.1:${PORTS.messaging}`,
    ZALO_OA_URL: `http://127.0.0.1:${PORTS.messaging}`,
    SMTP_URL: `smtp://127.0.0.1:${PORTS.smtp}`,
    ...serviceEnv.notification,
  };

  /** Broker, database, seed, stand-ins and services up, every consumer group holding its partitions; returns what was seeded. */
  async function startSystem() {
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
      ...serviceEnv.bank,
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
    return seeded;
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

  /** Starts (or, under a name already used, starts again) a process from dist/; its last stderr is printed if it fails. */
  function start(name, entry, env) {
    launches.set(name, { entry, env });
    const child = spawn(process.execPath, [path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-4_000)));
    child.on('exit', (code, signal) => {
      if (code && !signal && !cleaned) console.error(`\n${name} exited with ${code}:\n${errors}`);
    });
    children.set(name, child);
    return child;
  }

  /** The same process again, as it was first started: what an operator's supervisor does after a crash. */
  function restart(name) {
    const launch = launches.get(name);
    if (!launch) throw new Error(`${name} was never started`);
    return start(name, launch.entry, launch.env);
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

  /**
   * One more instance of the payment or notification service, same database, same consumer groups, its own
   * HTTP port: what a second machine of a scaled-out deployment runs. Named `<service>-2` among the children.
   */
  async function startSecondInstance(service) {
    if (service !== 'payment' && service !== 'notification') throw new Error(`no second instance of ${service}`);
    const port = PORTS[`${service}2`];
    const child = start(`${service}-2`, ENTRIES[service], { ...(service === 'payment' ? paymentEnv : notificationEnv), PORT: String(port) });
    await waitForHttp(`http://127.0.0.1:${port}/health`);
    return child;
  }

  /** Every consumer group of the run that a payment or notification instance joins. */
  const serviceGroups = {
    payment: [`payment-${RUN}`, `payment-bank-results-${RUN}`],
    notification: [`notification-${RUN}`, `notification-payout-events-${RUN}`],
  };

  /**
   * Who holds which partitions, as the broker's group coordinator says: per group, its state and, per member
   * (client host and member id), the number of partitions assigned and their topic → partitions.
   */
  async function describeAssignments(groupIds, admin) {
    const { groups } = await admin.describeGroups(groupIds);
    return groups.map((group) => ({
      groupId: group.groupId,
      state: group.state,
      members: group.members.map((member) => {
        const decoded = member.memberAssignment?.length ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
        const assignment = decoded?.assignment ?? {};
        return {
          memberId: member.memberId,
          clientHost: member.clientHost,
          partitions: Object.values(assignment).reduce((sum, partitions) => sum + partitions.length, 0),
          assignment,
        };
      }),
    }));
  }

  /** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 when it is gone. */
  function procCpuSeconds(pid) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1).split(' ');
      // after the command name: state is field 3, utime 14 and stime 15 (1-based), in clock ticks of 1/100 s
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
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


  return {
    N, RUN, PERIOD, PROGRAMME, PROVINCE, PORTS, ENTRIES, contracts, platform, brokers, databaseUrl, ownBroker, children,
    tokens: { OFFICER, SUPERVISOR, AUDITOR },
    env: { payment: paymentEnv, notification: notificationEnv },
    get cleaned() { return cleaned; },
    INFRA_DIR, infraEnv,
    startSystem, start, restart, startOwnBroker, stopChildren, cleanUp, http, verify, waitForHttp, waitForGroups, procStatus, readBrokerPid,
    startSecondInstance, serviceGroups, describeAssignments, procCpuSeconds,
  };
}

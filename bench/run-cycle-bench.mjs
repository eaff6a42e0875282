// Payout-cycle benchmark (S1: 100,000 beneficiaries of one province; S2: --beneficiaries 1000000), end to end.
//
//   npm run bench -- --scenario cycle [--beneficiaries 100000] [--keep] [--brokers host:port]
//   (or, once built: node bench/run-cycle-bench.mjs …)
//
// Seeded, not measured: see bench/cycle-harness.mjs (N payees of Hà Tĩnh, 98 % with a verified account, the
// bank stand-in's account book with 2 % closed accounts and 0.3 % deceased holders).
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
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CYCLE_OPTIONS, ROOT, createCycleHarness, pipelineProgress } from './cycle-harness.mjs';
import { startReadLatencyProbe } from './read-latency-probe.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { from: copyFrom } = require('pg-copy-streams');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const { values: args } = parseArgs({ options: { ...CYCLE_OPTIONS, 'skip-baselines': { type: 'boolean', default: false } } });
let harness;
try {
  harness = createCycleHarness(args);
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\nusage: node bench/run-cycle-bench.mjs [--beneficiaries 100000] [--brokers host:port] [--keep] [--skip-baselines]`);
  process.exit(2);
}
const { N, RUN, PERIOD, PROGRAMME, PROVINCE, PORTS, contracts, brokers, databaseUrl, ownBroker, children, http, verify, waitForGroups, procStatus, readBrokerPid, cleanUp } = harness;
const { OFFICER, SUPERVISOR, AUDITOR } = harness.tokens;
const IDLE_READ_SECONDS = 15;

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
  const seeded = await harness.startSystem();

  const db = new Client({ connectionString: databaseUrl, application_name: 'cycle-bench-probe' });
  // an interrupted run drops the database under this connection; that must not end the clean-up
  db.on('error', (error) => console.error(`probe connection: ${error.message}`));
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
  // S4: an officer and an auditor read while everything after generation runs
  const readSample = await readProbeSample(db, cycle.id);
  const readProbe = startReadLatencyProbe({ port: PORTS.payment, tokens: { OFFICER, AUDITOR }, sample: readSample });
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
      const db_row = await pipelineProgress(db, cycle.id);
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
  const readsUnderLoad = await readProbe.stop();
  await waitUntil('noticesTakenIn', (s) => s.outbox_waiting === 0 && s.payout_events > 0 && s.taken_in >= s.payout_events);
  probing = false;
  await probe;
  await probeAdmin.disconnect();
  if (process.stdout.isTTY) process.stdout.write('\n');
  const report = await http('GET', PORTS.payment, `/cycles/${cycle.id}/conservation`, AUDITOR, undefined, 200);
  mark('conservationChecked');
  const total = at();
  // the same questions on the same data with the pipeline idle: what the cycle adds to an officer's wait
  const idleProbe = startReadLatencyProbe({ port: PORTS.payment, tokens: { OFFICER, AUDITOR }, sample: readSample });
  await sleep(IDLE_READ_SECONDS * 1_000);
  const readsIdle = await idleProbe.stop();

  const peakRssMb = Object.fromEntries([...children].map(([name, child]) => [name, Math.round(procStatus(child.pid, 'VmHWM'))]));
  if (ownBroker) peakRssMb['kafka-broker (JVM)'] = Math.round(procStatus(readBrokerPid(), 'VmHWM'));
  peakRssMb['this driver'] = Math.round(procStatus(process.pid, 'VmHWM'));
  const checks = await verify(db, cycle, report, seeded);
  const instructionBytes = Number(
    (await db.query(`SELECT coalesce(avg(length(envelope::text)), 0)::int AS bytes FROM (SELECT envelope FROM payment.outbox_event WHERE topic LIKE 'bank.%' LIMIT 1000) s`)).rows[0].bytes,
  );
  await db.end();
  await harness.stopChildren();

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
    reads: { underLoad: readsUnderLoad, idle: readsIdle },
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

/** Real people, communes and payouts of the cycle, so each read finds something. */
async function readProbeSample(db, cycleId) {
  const { rows: people } = await db.query(
    `SELECT e.id, p.cccd, e.commune_code FROM payment.entitlement e JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id
      WHERE e.cycle_id = $1 ORDER BY md5(e.id::text) LIMIT 500`,
    [cycleId],
  );
  return {
    cycleId,
    provinceCode: PROVINCE,
    period: PERIOD,
    entitlementIds: people.map((row) => row.id),
    cccds: people.map((row) => row.cccd),
    communeCodes: [...new Set(people.map((row) => row.commune_code))],
  };
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
  const fmt = (ms) => (ms === null ? '—' : String(ms));
  const line = (label, value) => console.log(`  ${label.padEnd(58)} ${value}`);
  console.log(`\n=== payout-cycle benchmark: ${result.beneficiaries.toLocaleString('en')} beneficiaries (provisional: shared machine) ===`);
  console.log(`  command: ${result.command}`);
  console.log(`  batches: ${result.batches.map((batch) => `${batch.institutionCode} ${batch.items}`).join(', ')}`);
  console.log('  stage (ends at / takes, one clock; later stages overlap the approval)');
  for (const stage of result.stages) line(stage.stage, `${stage.endsAtSeconds.toFixed(1).padStart(7)} s   +${stage.seconds.toFixed(1)} s`);
  line('first bank result applied', `${(result.marks.firstResultApplied ?? NaN).toFixed(1).padStart(7)} s`);
  line('TOTAL end to end', `${result.totalSeconds.toFixed(1).padStart(7)} s   ${result.paymentsPerSecond.toLocaleString('en')} payments/s (target S1 ≤ 30 s, S2 ≤ 300 s)`);
  console.log('  S4 read latency, officer and auditor, while the cycle ran (generation → every result applied) | idle afterwards');
  for (const [index, row] of result.reads.underLoad.entries()) {
    const idle = result.reads.idle[index];
    line(`  ${row.question}`, `p50 ${fmt(row.p50Ms)} p99 ${fmt(row.p99Ms)} max ${fmt(row.maxMs)} ms (${row.answered} answers, ${row.failed} failed) | idle p50 ${fmt(idle.p50Ms)} p99 ${fmt(idle.p99Ms)} ms`);
  }
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


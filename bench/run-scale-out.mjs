// Scale-out on Kafka's consumer groups (issue #7): the same payout cycle, on the same machine with the same
// topic partitions, run three times, each on a fresh system from bench/cycle-harness.mjs:
//   single  one payment and one notification instance;
//   double  two of each, in the same consumer groups: the broker splits the partitions between them;
//   kill    two of each, and one payment and one notification instance killed (SIGKILL) mid-cycle: the
//           survivors take every partition over and the cycle completes.
//
//   npm run bench -- --scenario scale-out [--beneficiaries 100000] [--partitions 6] [--runs single,double,kill]
//   (or, once built: node bench/run-scale-out.mjs …)
//
// Each run drives the cycle the same way: POST /cycles and the batches on the first payment instance, the
// approvals two at a time, spread over the payment instances that are up (what a load balancer does), then
// waits until every entitlement is final and every payout event is taken in by notification.
// Shown per run: the assignment of partitions to members of each service's consumer groups (describeGroups),
// the work each instance did (its own Prometheus counters), CPU seconds per process from /proc, and in the
// kill run how long the broker took to hand the dead instances' partitions to the survivors.
// The run fails (exit 1) unless, in every run: verify() of the harness is exact (N entitled, conservation
// balanced, nobody paid twice by our attempts or by the bank's ledger, every payout event taken in, one notice
// request per event that calls for one), inbox rows are unique per (consumer, event), no event has two notice
// requests nor two notices on one channel, no SMS text reached one handset twice, the double runs' groups had their partitions split between two
// members, and in the kill run each group ended with its single survivor holding every partition.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CYCLE_OPTIONS, ROOT, createCycleHarness, pipelineProgress } from './cycle-harness.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const IORedis = require('ioredis');

const RUNS = ['single', 'double', 'kill'];
const { values: args } = parseArgs({
  options: {
    ...CYCLE_OPTIONS,
    partitions: { type: 'string', default: '6' },
    database: { type: 'string', default: 'ansinh_bench_scale_out' },
    runs: { type: 'string', default: RUNS.join(',') },
    // the share of the cycle's results applied when the kill run kills its second instances
    'kill-at': { type: 'string', default: '0.3' },
    // the services' KAFKA_SESSION_TIMEOUT_MS (their default 30,000): how long the broker waits for a dead member
    'session-timeout-ms': { type: 'string' },
  },
});
const runs = args.runs.split(',').map((run) => run.trim());
if (runs.some((run) => !RUNS.includes(run)) || !(Number(args['kill-at']) > 0 && Number(args['kill-at']) < 1)) {
  console.error(`usage: node bench/run-scale-out.mjs [--beneficiaries 100000] [--partitions 6] [--runs ${RUNS.join(',')}] [--kill-at 0.3] [--port-offset 0]`);
  process.exit(2);
}

let current;
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void (current?.cleanUp() ?? Promise.resolve()).finally(() => process.exit(130)));

const results = [];
let failed = false;
for (const run of runs) {
  console.log(`\n##### run "${run}" #####`);
  try {
    results.push(await runOnce(run));
  } catch (error) {
    console.error(`\nrun ${run} FAILED: ${error instanceof Error ? error.stack : error}`);
    results.push({ run, error: String(error instanceof Error ? error.message : error) });
  } finally {
    await current?.cleanUp();
  }
  if (results.at(-1).error || results.at(-1).failures?.length) failed = true;
}
printSummary(results);
mkdirSync(path.join(ROOT, 'bench-results'), { recursive: true });
const out = path.join(ROOT, 'bench-results', `scale-out-${args.beneficiaries}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ command: commandLine(), runs: results }, null, 2));
console.log(`\nfigures saved to ${path.relative(ROOT, out)}`);
process.exit(failed ? 1 : 0);

function commandLine() {
  const flags = [`--beneficiaries ${args.beneficiaries}`, `--partitions ${args.partitions}`];
  if (args.runs !== RUNS.join(',')) flags.push(`--runs ${args.runs}`);
  if (args['session-timeout-ms']) flags.push(`--session-timeout-ms ${args['session-timeout-ms']}`);
  if (args['port-offset'] !== '0') flags.push(`--port-offset ${args['port-offset']}`);
  return `npm run bench -- --scenario scale-out ${flags.join(' ')}`;
}

async function runOnce(run) {
  const harness = createCycleHarness(args, { label: `bench-scale-${run}` });
  current = harness;
  const { N, PERIOD, PROGRAMME, PROVINCE, PORTS, contracts, brokers, databaseUrl, children, http, verify, describeAssignments, serviceGroups, procCpuSeconds } = harness;
  const { OFFICER, SUPERVISOR, AUDITOR } = harness.tokens;
  const instances = run === 'single' ? 1 : 2;
  if (args['session-timeout-ms']) for (const env of [harness.env.payment, harness.env.notification]) env.KAFKA_SESSION_TIMEOUT_MS = args['session-timeout-ms'];
  const groups = [...serviceGroups.payment, ...serviceGroups.notification];
  const failures = [];
  const expect = (ok, message) => ok || failures.push(message);

  const seeded = await harness.startSystem();
  if (instances === 2) {
    await harness.startSecondInstance('payment');
    await harness.startSecondInstance('notification');
  }
  const admin = new Kafka({ clientId: 'scale-out-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  // the clock starts once every group has settled with all its members: a rebalance is not part of the cycle
  const settled = await waitForAssignments(admin, describeAssignments, groups, (group) => group.state === 'Stable' && group.members.length === instances && group.members.every((member) => member.partitions > 0));
  const totalPartitions = Object.fromEntries(settled.map((group) => [group.groupId, group.members.reduce((sum, member) => sum + member.partitions, 0)]));
  printAssignments(`partitions per member at the start (${instances} instance${instances > 1 ? 's' : ''} of each service)`, settled);
  if (instances === 2) for (const group of settled) expect(group.members.length === 2 && group.members.every((member) => member.partitions > 0), `${group.groupId}: partitions not split between two members`);

  const db = new Client({ connectionString: databaseUrl, application_name: 'scale-out-probe' });
  // an interrupted run drops the database under this client: that ends the run, it must not crash the clean-up
  db.on('error', (error) => console.error(`  probe connection closed: ${error.message}`));
  await db.connect();
  const paymentPorts = instances === 2 ? [PORTS.payment, PORTS.payment2] : [PORTS.payment];
  const cpuAtStart = await cpuSnapshot(db, children, harness, procCpuSeconds);
  const marks = {};
  const clock = performance.now();
  const at = () => (performance.now() - clock) / 1_000;
  const mark = (name) => (marks[name] ??= at());

  const cycle = await http('POST', PORTS.payment, '/cycles', OFFICER, { programmeCode: PROGRAMME, provinceCode: PROVINCE, period: PERIOD }, 201);
  mark('generated');
  const batches = await http('POST', PORTS.payment, `/cycles/${cycle.id}/batches`, OFFICER, undefined, 200);
  mark('prepared');
  console.log(`  ${at().toFixed(1).padStart(6)} s  cycle of ${cycle.entitledCount} entitled; ${batches.length} batches`);

  const institutions = [...new Set(batches.map((batch) => batch.institutionCode))];
  const topics = {
    instructions: institutions.map((code) => contracts.instructionIssuedV1(code).topic),
    answers: institutions.map((code) => contracts.instructionReportedV1(code).topic),
    payoutEvents: [contracts.payoutSentV1, contracts.payoutSettledV1, contracts.payoutFailedV1, contracts.payoutHeldV1, contracts.payoutCancelledV1].map((definition) => definition.topic),
  };
  const samples = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      try {
        const row = await pipelineProgress(db, cycle.id);
        const counts = {};
        for (const [kind, names] of Object.entries(topics)) {
          counts[kind] = 0;
          for (const topic of names) for (const { high, low } of await admin.fetchTopicOffsets(topic)) counts[kind] += Number(high) - Number(low);
        }
        const sample = { seconds: at(), ...row, instructions: counts.instructions, bank_answers: counts.answers, payout_events: counts.payoutEvents };
        samples.push(sample);
        if (samples.length % 5 === 1) {
          console.log(`  ${sample.seconds.toFixed(1).padStart(6)} s  instructions ${sample.instructions} (outbox waiting ${sample.outbox_waiting})  bank answers ${sample.bank_answers}  results applied ${sample.results}  open ${sample.open}  payout events ${sample.taken_in}/${sample.payout_events} taken in`);
        }
      } catch (error) {
        console.error(`  probe failed, retrying: ${error instanceof Error ? error.message : error}`);
      }
      await sleep(1_000);
    }
  })();

  // two approvals at a time in every run; with two instances they go to both, as through a load balancer
  const queue = [...batches];
  await Promise.all(
    [0, 1].map(async (lane) => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) {
        const port = paymentPorts[(batches.indexOf(batch) + lane) % paymentPorts.length];
        await http('POST', port, `/batches/${batch.id}/approve`, SUPERVISOR, { contentHash: batch.contentHash }, 200);
      }
    }),
  );
  mark('approved');

  const deadline = Date.now() + Math.max(600_000, N * 8);
  let kill;
  const killAt = Math.floor(Number(args['kill-at']) * N);
  const waitUntil = async (name, test) => {
    for (;;) {
      const last = samples.at(-1);
      if (run === 'kill' && !kill && last && last.results >= killAt) kill = killSecondInstances(last);
      if (last && last.seconds >= marks.approved && test(last)) return mark(name);
      if (Date.now() > deadline) throw new Error(`${name}: not reached in time; last sample ${JSON.stringify(last)}`);
      await sleep(100);
    }
  };
  function killSecondInstances(sample) {
    const before = describeAssignments(groups, admin);
    return before.then(async (assignments) => {
      printAssignments(`partitions per member just before the kill (results applied ${sample.results} of ${N})`, assignments);
      const killedAt = at();
      mark('killed');
      for (const name of ['payment-2', 'notification-2']) children.get(name).kill('SIGKILL');
      console.log(`  ${killedAt.toFixed(1).padStart(6)} s  SIGKILL to payment-2 (pid ${children.get('payment-2').pid}) and notification-2 (pid ${children.get('notification-2').pid})`);
      // each group: from the kill until it is Stable again with one member holding every partition it had
      const handOver = {};
      let last;
      while (Object.keys(handOver).length < groups.length && Date.now() < deadline) {
        last = await describeAssignments(groups, admin);
        for (const group of last) {
          const whole = group.state === 'Stable' && group.members.length === 1 && group.members[0].partitions === totalPartitions[group.groupId];
          if (whole && handOver[group.groupId] === undefined) handOver[group.groupId] = Number((at() - killedAt).toFixed(2));
        }
        await sleep(250);
      }
      printAssignments('partitions per member after the hand-over', last);
      for (const group of groups) expect(handOver[group] !== undefined, `${group}: the survivor never held every partition`);
      console.log(`  hand-over (kill → survivor holds every partition): ${Object.entries(handOver).map(([group, seconds]) => `${group} ${seconds} s`).join(', ')}`);
      return { atSeconds: Number(killedAt.toFixed(2)), resultsAppliedAtKill: sample.results, handOverSeconds: handOver, after: last };
    });
  }

  await waitUntil('instructionsPublished', (s) => s.instructions >= batches.reduce((sum, batch) => sum + batch.itemCount, 0));
  await waitUntil('resultsApplied', (s) => s.open === 0);
  await waitUntil('noticesTakenIn', (s) => s.outbox_waiting === 0 && s.payout_events > 0 && s.taken_in >= s.payout_events);
  probing = false;
  await probe;
  const killed = run === 'kill' ? await (kill ?? Promise.resolve(null)) : null;
  if (run === 'kill') expect(killed !== null, `the kill run ended before ${killAt} results were applied: nothing was killed`);
  const report = await http('GET', PORTS.payment, `/cycles/${cycle.id}/conservation`, AUDITOR, undefined, 200);
  mark('conservationChecked');
  const total = at();
  const cpuAtEnd = await cpuSnapshot(db, children, harness, procCpuSeconds);
  const perInstance = await workPerInstance(children, PORTS);

  const checks = await verify(db, cycle, report, seeded);
  failures.push(...checks.failures);
  const [dup] = (
    await db.query(
      `SELECT (SELECT count(*) - count(DISTINCT (consumer, event_id)) FROM payment.inbox_event)::int AS payment_inbox_repeats,
              (SELECT count(*) - count(DISTINCT (consumer, event_id)) FROM notification.inbox_event)::int AS notification_inbox_repeats,
              (SELECT coalesce(sum(redeliveries), 0) FROM payment.inbox_event)::int AS payment_redeliveries,
              (SELECT coalesce(sum(redeliveries), 0) FROM notification.inbox_event)::int AS notification_redeliveries,
              (SELECT count(*) - count(DISTINCT source_event_id) FROM notification.notice_request)::int AS notice_request_repeats,
              (SELECT count(*) - count(DISTINCT (source_event_id, channel)) FROM notification.notice)::int AS notice_repeats,
              (SELECT count(*) FROM notification.notice_request)::int AS notice_requests`,
    )
  ).rows;
  expect(dup.payment_inbox_repeats === 0, `${dup.payment_inbox_repeats} payment inbox rows repeat an event`);
  expect(dup.notification_inbox_repeats === 0, `${dup.notification_inbox_repeats} notification inbox rows repeat an event`);
  expect(dup.notice_request_repeats === 0, `${dup.notice_request_repeats} events with more than one notice request`);
  expect(dup.notice_repeats === 0, `${dup.notice_repeats} events with more than one notice on one channel`);
  // SMS already handed to the provider (delivery runs at the contracted rate and is not waited for)
  const { messages } = await http('GET', PORTS.messaging, '/messages?channel=sms', undefined, undefined, 200);
  // a notice sent again (a job of a killed instance re-run) carries the same requestId (the notice id), which the
  // gateway answers without texting again; the same text twice on one handset would be a duplicate effect
  const handsetTexts = new Set(messages.map((message) => `${message.to}\u0000${message.text}`));
  const sms = { accepted: messages.length, sentMoreThanOnce: messages.filter((message) => message.requests > 1).length, sameTextTwiceOnOneHandset: messages.length - handsetTexts.size };
  expect(sms.sameTextTwiceOnOneHandset === 0, `${sms.sameTextTwiceOnOneHandset} SMS texts reached one handset twice`);
  const storage = await storageOf(db, harness.RUN);
  // the relay's pace from its own marks: one relay at a time per service, however many instances run
  const [relay] = (
    await db.query(
      `SELECT count(*)::int AS published, extract(epoch FROM max(published_at) - min(published_at))::float AS seconds,
              (SELECT max(n) FROM (SELECT count(*) AS n FROM payment.outbox_event WHERE published_at IS NOT NULL GROUP BY date_trunc('second', published_at)) busiest)::int AS busiest_second
         FROM payment.outbox_event WHERE published_at IS NOT NULL`,
    )
  ).rows;
  await db.end();
  await admin.disconnect();

  const cpu = cpuDelta(cpuAtStart, cpuAtEnd, total);
  const result = {
    run,
    instances,
    beneficiaries: N,
    partitions: Number(args.partitions),
    startAssignments: settled,
    marks: Object.fromEntries(Object.entries(marks).map(([name, seconds]) => [name, Number(seconds.toFixed(2))])),
    totalSeconds: Number(total.toFixed(2)),
    paymentsPerSecond: Math.round(N / total),
    killed,
    perInstance,
    cpu,
    duplicates: { ...dup, sms },
    checks,
    failures,
    storage,
    relay: { published: relay.published, seconds: Number(Number(relay.seconds).toFixed(1)), perSecond: Math.round(relay.published / relay.seconds), busiestSecond: relay.busiest_second },
    samples,
    machine: { cpus: os.cpus().length, loadAverageAtEnd: os.loadavg().map((value) => Number(value.toFixed(2))) },
  };
  printRun(result);
  return result;
}

/** What a cycle leaves behind, for sizing: the run database and its largest tables, the run's keys in Redis. */
async function storageOf(db, run) {
  const [{ bytes }] = (await db.query(`SELECT pg_database_size(current_database())::bigint AS bytes`)).rows;
  const tables = (
    await db.query(
      `SELECT schemaname || '.' || relname AS name, n_live_tup::bigint AS rows, pg_total_relation_size(relid)::bigint AS bytes
         FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC LIMIT 10`,
    )
  ).rows.map((row) => ({ name: row.name, rows: Number(row.rows), megabytes: Number((Number(row.bytes) / 2 ** 20).toFixed(1)) }));
  const redis = new IORedis(args['redis-url']);
  let keys = 0;
  let redisBytes = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 1_000);
    cursor = next;
    keys += found.length;
    const pipeline = redis.pipeline();
    for (const key of found) pipeline.memory('USAGE', key);
    for (const [, used] of (await pipeline.exec()) ?? []) redisBytes += Number(used ?? 0);
  } while (cursor !== '0');
  await redis.quit();
  return { databaseMegabytes: Number((Number(bytes) / 2 ** 20).toFixed(1)), largestTables: tables, redis: { keys, megabytes: Number((redisBytes / 2 ** 20).toFixed(1)) } };
}

async function waitForAssignments(admin, describeAssignments, groups, ready) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const assignments = await describeAssignments(groups, admin);
    if (assignments.every(ready)) return assignments;
    if (Date.now() > deadline) throw new Error(`groups not settled within 180 s: ${assignments.map((group) => `${group.groupId}=${group.state}/${group.members.length}`).join(', ')}`);
    await sleep(250);
  }
}

/** CPU seconds so far of every process of the run, of the run database's PostgreSQL backends, and of the whole machine. */
async function cpuSnapshot(db, children, harness, procCpuSeconds) {
  const processes = Object.fromEntries([...children].map(([name, child]) => [name, procCpuSeconds(child.pid)]));
  if (harness.ownBroker) processes['kafka-broker'] = procCpuSeconds(harness.readBrokerPid());
  processes['this driver'] = procCpuSeconds(process.pid);
  const backends = (await db.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)).rows.map((row) => row.pid);
  const postgres = Object.fromEntries(backends.map((pid) => [pid, procCpuSeconds(pid)]));
  const [cpuLine] = readFileSync('/proc/stat', 'utf8').split('\n');
  const ticks = cpuLine.split(/\s+/).slice(1).map(Number);
  // idle + iowait are not busy
  const machine = { busy: (ticks.reduce((sum, value) => sum + value, 0) - ticks[3] - ticks[4]) / 100, all: ticks.reduce((sum, value) => sum + value, 0) / 100 };
  return { processes, postgres, machine };
}

function cpuDelta(start, end, seconds) {
  const processes = {};
  for (const [name, value] of Object.entries(end.processes)) {
    // a killed process reads 0 at the end; what it used is unknown past its last reading
    if (value > 0) processes[name] = Number((value - (start.processes[name] ?? 0)).toFixed(1));
  }
  // backends that lived through the window count their difference; ones born in it count whole
  let postgres = 0;
  for (const [pid, value] of Object.entries(end.postgres)) postgres += value - (start.postgres[pid] ?? 0);
  processes['postgres backends of the run database'] = Number(postgres.toFixed(1));
  const busy = end.machine.busy - start.machine.busy;
  const all = end.machine.all - start.machine.all;
  return {
    cpuSecondsInWindow: processes,
    windowSeconds: Number(seconds.toFixed(1)),
    machineBusyShare: Number((busy / all).toFixed(3)),
    machineBusyCpuSeconds: Number(busy.toFixed(1)),
    ourShareOfBusy: Number((Object.values(processes).reduce((sum, value) => sum + value, 0) / busy).toFixed(3)),
  };
}

/** What each running service instance did, from its own /metrics: events consumed by kind, outbox events it relayed. */
async function workPerInstance(children, PORTS) {
  const ports = { payment: PORTS.payment, 'payment-2': PORTS.payment2, notification: PORTS.notification, 'notification-2': PORTS.notification2 };
  const work = {};
  for (const [name, port] of Object.entries(ports)) {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) continue;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const counts = { bankResultsConsumed: 0, payoutEventsConsumed: 0, otherEventsConsumed: 0, duplicatesDropped: 0, outboxRelayed: 0 };
    for (const line of text.split('\n')) {
      const consumedMatch = line.match(/^ansinh_events_consumed_total\{topic="([^"]+)",outcome="([^"]+)"\} (\d+)/);
      if (consumedMatch) {
        const [, topic, outcome, value] = consumedMatch;
        if (outcome === 'duplicate') counts.duplicatesDropped += Number(value);
        else if (outcome === 'processed') {
          if (topic.startsWith('bank.')) counts.bankResultsConsumed += Number(value);
          else if (topic.startsWith('payment.payout.')) counts.payoutEventsConsumed += Number(value);
          else counts.otherEventsConsumed += Number(value);
        }
      }
      const relayedMatch = line.match(/^ansinh_outbox_published_total\{topic="[^"]+"\} (\d+)/);
      if (relayedMatch) counts.outboxRelayed += Number(relayedMatch[1]);
    }
    work[name] = counts;
  }
  return work;
}

function printAssignments(title, assignments) {
  console.log(`  ${title}:`);
  for (const group of assignments) {
    const members = group.members.map((member) => `${member.memberId.slice(-12)} ${member.partitions}`).join(', ');
    console.log(`    ${group.groupId.replace(/-bench-scale-.*$/, '').padEnd(30)} ${group.state.padEnd(20)} ${members || '(no member)'}`);
  }
}

function printRun(result) {
  const line = (label, value) => console.log(`  ${label.padEnd(50)} ${value}`);
  console.log(`\n=== scale-out run "${result.run}": ${result.instances} × payment, ${result.instances} × notification, ${result.beneficiaries.toLocaleString('en')} beneficiaries, ${result.partitions} partitions ===`);
  for (const [name, seconds] of Object.entries(result.marks)) line(name, `${seconds.toFixed(1).padStart(7)} s`);
  line('TOTAL end to end', `${result.totalSeconds.toFixed(1).padStart(7)} s   ${result.paymentsPerSecond.toLocaleString('en')} payments/s`);
  if (result.killed) line('hand-over after SIGKILL', Object.entries(result.killed.handOverSeconds).map(([group, seconds]) => `${group.replace(/-bench-scale-.*$/, '')} ${seconds} s`).join('; '));
  console.log('  work per instance (its /metrics at the end):');
  for (const [name, counts] of Object.entries(result.perInstance)) line(`  ${name}`, JSON.stringify(counts));
  console.log(`  CPU seconds in the ${result.cpu.windowSeconds} s window (machine busy ${(result.cpu.machineBusyShare * 100).toFixed(0)} % of ${os.cpus().length} cores; this run's processes ${(result.cpu.ourShareOfBusy * 100).toFixed(0)} % of that):`);
  for (const [name, seconds] of Object.entries(result.cpu.cpuSecondsInWindow)) line(`  ${name}`, `${seconds.toFixed(1)} s`);
  const c = result.checks;
  const d = result.duplicates;
  console.log(
    `  checks: paid ${c.paid}, held ${c.held}, paid twice ${c.paidTwice} (bank ledger: ${c.bankCreditedTwice}), conservation balanced ${c.conservationBalanced}, ` +
      `payout events ${c.payoutEventsTakenIn}/${c.payoutEvents} taken in; notice requests ${d.notice_requests} (repeats ${d.notice_request_repeats}), notice repeats ${d.notice_repeats}; ` +
      `inbox repeats ${d.payment_inbox_repeats}/${d.notification_inbox_repeats}; redeliveries dropped by the inbox ${d.payment_redeliveries} (payment) ${d.notification_redeliveries} (notification); ` +
      `SMS handed to the provider so far ${d.sms.accepted}, requested more than once ${d.sms.sentMoreThanOnce} (de-duplicated by the gateway), same text twice on one handset ${d.sms.sameTextTwiceOnOneHandset}`,
  );
  line('payment outbox relay', `${result.relay.published} events in ${result.relay.seconds} s (${result.relay.perSecond}/s on average, ${result.relay.busiestSecond} in its busiest second)`);
  const st = result.storage;
  console.log(`  left behind: database ${st.databaseMegabytes} MB (largest: ${st.largestTables.slice(0, 5).map((table) => `${table.name} ${table.megabytes} MB / ${table.rows} rows`).join(', ')}); Redis ${st.redis.keys} keys, ${st.redis.megabytes} MB`);
  console.log(result.failures.length ? `  FAILED:\n    - ${result.failures.join('\n    - ')}` : '  all checks exact');
}

function printSummary(all) {
  console.log(`\n=== scale-out summary: ${commandLine()} ===`);
  for (const result of all) {
    if (result.error) console.log(`  ${result.run.padEnd(8)} ERROR ${result.error}`);
    else console.log(`  ${result.run.padEnd(8)} ${result.totalSeconds.toFixed(1).padStart(7)} s   ${String(result.paymentsPerSecond).padStart(6)} payments/s   ${result.failures.length ? `FAILED (${result.failures.length})` : 'exact'}`);
  }
  const single = all.find((result) => result.run === 'single' && !result.error);
  const double = all.find((result) => result.run === 'double' && !result.error);
  if (single && double) console.log(`  gain of two instances over one: ${((single.totalSeconds / double.totalSeconds - 1) * 100).toFixed(1)} % (${single.paymentsPerSecond} → ${double.paymentsPerSecond} payments/s)`);
}

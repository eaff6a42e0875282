// `npm run bench [-- --scenario all|import|notification|cycle|coverage|scale-out] [scenario flags]`: builds what the chosen
// scenarios run from dist/, then runs them one after the other, each in a process of its own.
//
//   npm run bench                                                   # every scenario with its defaults
//   npm run bench -- --scenario cycle --beneficiaries 100000        # S1 (S2: --beneficiaries 1000000)
//   npm run bench -- --scenario import --rows 1000000 --format both  # S3
//   npm run bench -- --scenario notification --events 100000
//   npm run bench -- --scenario coverage --people 1000000 --months 2 # S7
//   npm run bench -- --scenario scale-out --beneficiaries 100000     # two instances per consumer group, one killed
//
// Flags are handed to the scenario that knows them; with --scenario all each scenario gets its own.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = {
  import: { script: 'run-import-bench.mjs', builds: ['beneficiary'], flags: ['rows', 'format', 'keep', 'batch-size', 'max-old-space', 'database', 'admin-url'] },
  notification: {
    script: 'run-notification-bench.mjs',
    builds: ['notification', 'messaging-providers-stand-in'],
    flags: ['events', 'latency', 'concurrency', 'partitions', 'sms-rate', 'brokers', 'redis-url', 'service-node-options', 'keep', 'database', 'admin-url'],
  },
  cycle: {
    script: 'run-cycle-bench.mjs',
    builds: ['payment', 'notification', 'bank-stand-in', 'messaging-providers-stand-in'],
    flags: ['beneficiaries', 'brokers', 'partitions', 'closed-rate', 'deceased-rate', 'no-account-rate', 'service-node-options', 'skip-baselines', 'keep', 'redis-url', 'database', 'admin-url', 'port-offset'],
  },
  'scale-out': {
    script: 'run-scale-out.mjs',
    builds: ['payment', 'notification', 'bank-stand-in', 'messaging-providers-stand-in'],
    flags: ['beneficiaries', 'partitions', 'runs', 'kill-at', 'session-timeout-ms', 'brokers', 'closed-rate', 'deceased-rate', 'no-account-rate', 'service-node-options', 'keep', 'redis-url', 'database', 'admin-url', 'port-offset'],
  },
  coverage: { script: 'run-coverage-bench.mjs', builds: ['payment'], flags: ['people', 'months', 'runs', 'keep', 'reuse'] },
};

const argv = process.argv.slice(2);
let scenario = 'all';
const rest = [];
for (let index = 0; index < argv.length; index += 1) {
  if (argv[index] === '--scenario') scenario = argv[++index];
  else if (argv[index].startsWith('--scenario=')) scenario = argv[index].slice('--scenario='.length);
  else rest.push(argv[index]);
}
const chosen = scenario === 'all' ? Object.keys(SCENARIOS) : [scenario];
if (chosen.some((name) => !SCENARIOS[name])) {
  console.error(`--scenario must be one of: all, ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

/** The flags (with their values) that a scenario declares; the others are left to the other scenarios. */
function flagsFor(name) {
  const known = new Set(SCENARIOS[name].flags);
  const picked = [];
  for (let index = 0; index < rest.length; index += 1) {
    const [flag, inline] = rest[index].replace(/^--/, '').split(/=(.*)/s);
    const takesValue = inline === undefined && index + 1 < rest.length && !rest[index + 1].startsWith('--');
    if (known.has(flag)) picked.push(rest[index], ...(takesValue ? [rest[index + 1]] : []));
    else if (scenario !== 'all') {
      console.error(`${name}: unknown flag --${flag} (known: ${[...known].map((known) => `--${known}`).join(' ')})`);
      process.exit(2);
    }
    if (takesValue) index += 1;
  }
  return picked;
}

const flags = Object.fromEntries(chosen.map((name) => [name, flagsFor(name)]));
const builds = [...new Set(chosen.flatMap((name) => SCENARIOS[name].builds))];
for (const project of builds) {
  console.log(`building ${project} …`);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', project], { cwd: ROOT, stdio: 'inherit' });
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n### scenario ${name}`);
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bench', SCENARIOS[name].script), ...flags[name]], { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`scenario ${name} failed (exit ${run.status ?? run.signal})`);
    failed += 1;
  }
}
process.exit(failed ? 1 : 0);

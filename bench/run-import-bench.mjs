// Import benchmark: `npm run bench [-- --rows 1000000 --format csv|xlsx|both --keep]`.
//
// 1. Generates a realistic Hà Tĩnh list once into bench-results/ (2 % bad rows, eight kinds in turn).
// 2. Creates a throw-away database `ansinh_bench` and migrates it with the built migrate command.
// 3. Imports the list through the service's own code (registration + ImportRunner from dist/), in a
//    child process of its own so its peak memory is the import's alone; prints rows/s and peak RSS.
// 4. Baseline: PostgreSQL COPY of the same file into a plain table (no keys, no checks), in another
//    child process, and the ratio between the two.
// Not part of `npm test`: it takes minutes and several GB of disk while it runs.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist/apps/beneficiary');
const RESULTS = path.join(ROOT, 'bench-results');
const require = createRequire(import.meta.url);

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    format: { type: 'string', default: 'csv' },
    keep: { type: 'boolean', default: false },
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    database: { type: 'string', default: 'ansinh_bench' },
    // Rows per transaction; the service's default (IMPORT_BATCH_SIZE) unless given.
    'batch-size': { type: 'string' },
    // Caps the import child's V8 heap (MB), to show the import runs in bounded memory.
    'max-old-space': { type: 'string' },
    // Writes a V8 CPU profile of the import child into bench-results/profiles (open in Chrome DevTools).
    'cpu-prof': { type: 'boolean', default: false },
    child: { type: 'string' },
    file: { type: 'string' },
    'database-url': { type: 'string' },
  },
});

const HEADERS = ['Họ và tên', 'Số CCCD', 'Ngày sinh', 'Giới tính (Nam/Nữ)', 'Số điện thoại', 'Mã tỉnh', 'Mã xã', 'Mã huyện cũ', 'Mã hộ', 'Mã chương trình', 'Mã nhóm đối tượng', 'Số tài khoản'];

if (args.child === 'import') await importChild(args.file, args['database-url']);
else if (args.child === 'copy') await copyChild(args.file, args['database-url']);
else await main();

async function main() {
  const rows = Number(args.rows);
  const formats = args.format === 'both' ? ['csv', 'xlsx'] : [args.format];
  if (!Number.isInteger(rows) || rows < 1 || formats.some((format) => !['csv', 'xlsx'].includes(format))) {
    console.error('usage: npm run bench -- [--rows 1000000] [--format csv|xlsx|both] [--keep]');
    process.exit(2);
  }
  mkdirSync(RESULTS, { recursive: true });
  // Stand-ins for uploads left by an interrupted run.
  rmSync(path.join(RESULTS, 'uploads'), { recursive: true, force: true });
  const databaseUrl = Object.assign(new URL(args['admin-url']), { pathname: `/${args.database}` }).toString();
  const results = [];
  for (const format of formats) {
    const file = path.join(RESULTS, `beneficiaries-${rows}.${format}`);
    if (!existsSync(file)) {
      const started = Date.now();
      process.stdout.write(`generating ${path.relative(ROOT, file)} … `);
      await (format === 'csv' ? writeCsv(file, rows) : writeXlsx(file, rows));
      console.log(`${((Date.now() - started) / 1000).toFixed(1)} s, ${(statSync(file).size / 1e6).toFixed(1)} MB`);
    }
    await recreateDatabase(databaseUrl);
    console.log(`importing ${rows.toLocaleString('en')} rows (${format}) through ImportRunner …`);
    const ours = { ...(await runChild('import', file, databaseUrl)), heapCapMb: args['max-old-space'] ? Number(args['max-old-space']) : null };
    // COPY reads CSV only; an .xlsx has no COPY counterpart, its baseline is the CSV's.
    if (format === 'csv') console.log(`COPY baseline of the same file into a plain table …`);
    const copy = format === 'csv' ? await runChild('copy', file, databaseUrl) : null;
    results.push({ format, file: path.relative(ROOT, file), bytes: statSync(file).size, rows, ours, copy });
  }
  if (!args.keep) await dropDatabase(databaseUrl);
  printReport(results);
  const out = path.join(RESULTS, `import-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(`\nfigures saved to ${path.relative(ROOT, out)}`);
}

function printReport(results) {
  const mb = (bytes) => `${(bytes / 1_048_576).toFixed(0)} MB`;
  console.log('\n=== import benchmark ===');
  for (const { format, file, bytes, rows, ours, copy } of results) {
    console.log(`file            ${file} (${format}, ${mb(bytes)}, ${rows.toLocaleString('en')} data rows)`);
    console.log(`outcome         ${ours.job.insertedRows} inserted, ${ours.job.duplicateRows} duplicates, ${ours.job.invalidRows} invalid (${ours.issues} report lines), status ${ours.job.status}`);
    console.log(`ours            batches of ${ours.batchSize} rows, ${ours.seconds.toFixed(1)} s total = ${ours.registerSeconds.toFixed(1)} s upload check (SHA-256, encoding) + ${ours.importSeconds.toFixed(1)} s import; ${Math.round(rows / ours.seconds).toLocaleString('en')} rows/s`);
    console.log(`ours memory     peak RSS ${mb(ours.maxRssBytes)} (after loading the code: ${mb(ours.startRssBytes)}), peak heap ${mb(ours.peakHeapBytes)}${ours.heapCapMb ? `, V8 heap capped at ${ours.heapCapMb} MB` : ''}`);
    const cpu = ({ node, database }) => `${node.toFixed(1)} s Node + ${database === null ? '?' : database.toFixed(1)} s PostgreSQL`;
    console.log(`ours CPU        ${cpu(ours.cpuSeconds)} (the machine's other work excluded; steadier than the wall clock on a shared machine)`);
    console.log(`ours stages     ${Object.entries(ours.stageSeconds).map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)} s`).join(', ')}`);
    console.log(`                (database stages summed over the batches written side by side, so they may add up past the total)`);
    console.log(`written         ${ours.rowsWritten.beneficiaries} beneficiaries + ${ours.rowsWritten.history} history + ${ours.rowsWritten.outbox} outbox events + ${ours.issues} issues`);
    if (copy) {
      console.log(`COPY baseline   ${copy.seconds.toFixed(1)} s; ${Math.round(copy.rows / copy.seconds).toLocaleString('en')} rows/s; peak RSS ${mb(copy.maxRssBytes)} (${copy.rows} rows into a plain table); CPU ${cpu(copy.cpuSeconds)}`);
      console.log(`ours ÷ COPY     ${(ours.seconds / copy.seconds).toFixed(1)}× the time (${(copy.rows / copy.seconds / (rows / ours.seconds)).toFixed(1)}× fewer rows/s)`);
    }
  }
}

function runChild(kind, file, databaseUrl) {
  return new Promise((resolve, reject) => {
    const batchSize = args['batch-size'] ? ['--batch-size', args['batch-size']] : [];
    const heapCap = kind === 'import' && args['max-old-space'] ? [`--max-old-space-size=${Number(args['max-old-space'])}`] : [];
    const profile = kind === 'import' && args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS, 'profiles')}`] : [];
    const child = spawn(process.execPath, [...heapCap, ...profile, fileURLToPath(import.meta.url), '--child', kind, '--file', file, '--database-url', databaseUrl, ...batchSize], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.trim().split('\n').pop();
      if (code !== 0) return reject(new Error(`${kind} child exited with ${code}:\n${output}`));
      resolve(JSON.parse(line));
    });
  });
}

async function recreateDatabase(databaseUrl) {
  const name = new URL(databaseUrl).pathname.slice(1);
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);
  // Migrated with the service's own built migrations, through the function its migrate command calls
  // (the command itself also insists on the whole service configuration, which a benchmark has no use for).
  const platform = require(path.join(DIST, 'libs/platform/src/index.js'));
  const { BENEFICIARY_ENTITIES, BENEFICIARY_MIGRATIONS, BENEFICIARY_SCHEMA } = require(path.join(DIST, 'apps/beneficiary/src/database/beneficiary-database.js'));
  await platform.runMigrations({
    url: databaseUrl,
    schema: BENEFICIARY_SCHEMA,
    poolSize: 1,
    entities: BENEFICIARY_ENTITIES,
    migrations: BENEFICIARY_MIGRATIONS,
    applicationName: 'import-bench-migrate',
  });
}

async function dropDatabase(databaseUrl) {
  await adminQuery(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
}

async function adminQuery(sql) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: args['admin-url'] });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Generated list: the same kind of people as test/support/beneficiary-factory.ts (which is TypeScript
// and not built), Hà Tĩnh communes of the 2025 list, 1 bad row in 50, the eight kinds in turn.

function generator() {
  const { COMMUNES_2025, PROVINCES_BEFORE_2025 } = require(path.join(DIST, 'libs/contracts/src/index.js'));
  const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
  const MIDDLE = { female: ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Hồng'], male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Đình'] };
  const GIVEN = {
    female: ['Đào', 'Lan', 'Hoa', 'Mai', 'Hương', 'Nhung', 'Thảo', 'Hằng', 'Yến', 'Loan', 'Cúc', 'Huệ'],
    male: ['Hùng', 'Dũng', 'Tuấn', 'Nam', 'Sơn', 'Long', 'Thắng', 'Bình', 'Phúc', 'Tài', 'Lộc', 'Đạt'],
  };
  const PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '086', '088', '032', '035', '039'];
  const CATEGORIES = ['NCT_80', 'KT_NANG', 'TRE_MO_COI', 'HO_NGHEO_NCT'];
  const birthProvinces = Object.keys(PROVINCES_BEFORE_2025);
  const haTinh = Object.keys(COMMUNES_2025).filter((code) => COMMUNES_2025[code][0] === '42');
  const elsewhere = Object.keys(COMMUNES_2025).filter((code) => COMMUNES_2025[code][0] !== '42');
  let state = 20_261_123;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = (items) => items[Math.floor(random() * items.length)];
  const pad = (value, length) => String(value).padStart(length, '0');
  const cccdFor = (province, year, gender, serial) => `0${province}${(Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0)}${pad(year % 100, 2)}${pad(serial % 1_000_000, 6)}`;
  const KINDS = ['badCccd', 'birthMismatch', 'unknownCommune', 'otherProvince', 'future', 'accountExponent', 'missingName', 'duplicate'];
  let lastValid = null;
  return (index) => {
    const gender = random() < 0.6 ? 'female' : 'male';
    const year = 1935 + Math.floor(random() * 60);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const birthProvince = pick(birthProvinces);
    const row = {
      name: `${pick(FAMILY)} ${pick(MIDDLE[gender])} ${pick(GIVEN[gender])}`,
      cccd: cccdFor(birthProvince, year, gender, index),
      dob: `${pad(day, 2)}/${pad(month, 2)}/${year}`,
      gender: gender === 'female' ? 'Nữ' : 'Nam',
      phone: `${pick(PREFIXES)}${pad(Math.floor(random() * 10_000_000), 7)}`,
      province: '42',
      commune: pick(haTinh),
      category: pick(CATEGORIES),
      account: random() < 0.3 ? `${pad(Math.floor(random() * 1e9), 9)}${pad(index % 10_000, 4)}` : '',
    };
    if (index % 50 !== 49) {
      lastValid = row;
      return row;
    }
    switch (KINDS[Math.floor(index / 50) % KINDS.length]) {
      case 'badCccd':
        return { ...row, cccd: `${row.cccd.slice(0, 6)}O${row.cccd.slice(7)}` };
      case 'birthMismatch':
        return { ...row, cccd: cccdFor(birthProvince, year + 1, gender, index) };
      case 'unknownCommune':
        return { ...row, commune: '18000' }; // not on the 2025 list
      case 'otherProvince':
        return { ...row, commune: pick(elsewhere) };
      case 'future':
        return { ...row, dob: `01/01/2031`, cccd: cccdFor(birthProvince, 2031, gender, index) };
      case 'accountExponent':
        return { ...row, account: '9.70436E+15' };
      case 'missingName':
        return { ...row, name: '' };
      default:
        return { ...lastValid, name: lastValid.name.toUpperCase() };
    }
  };
}

function cells(row) {
  return [row.name, row.cccd, row.dob, row.gender, row.phone, row.province, row.commune, '', '', '', row.category, row.account];
}

async function writeCsv(file, rows) {
  const next = generator();
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  // UTF-8 with a byte-order mark, CRLF: what Excel writes for "CSV UTF-8".
  out.write(`\uFEFF${HEADERS.join(',')}\r\n`);
  for (let index = 0; index < rows; index += 1) {
    if (!out.write(`${cells(next(index)).join(',')}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, file);
}

async function writeXlsx(file, rows) {
  const ExcelJS = require('exceljs');
  const next = generator();
  const partial = `${file}.partial`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Danh sách');
  sheet.addRow(HEADERS).commit();
  for (let index = 0; index < rows; index += 1) sheet.addRow(cells(next(index))).commit();
  sheet.commit();
  await workbook.commit();
  renameSync(partial, file);
}

// ---------------------------------------------------------------------------------------------
// Children: each prints one JSON line.

function memorySampler() {
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);
  return () => {
    clearInterval(timer);
    return { maxRssBytes: process.resourceUsage().maxRSS * 1024, peakHeapBytes: Math.max(peakHeap, process.memoryUsage().heapUsed) };
  };
}

async function importChild(file, databaseUrl) {
  const { DataSource } = require('typeorm');
  const platform = require(path.join(DIST, 'libs/platform/src/index.js'));
  const { BENEFICIARY_ENTITIES, BENEFICIARY_MIGRATIONS } = require(path.join(DIST, 'apps/beneficiary/src/database/beneficiary-database.js'));
  const { registerImportFile } = require(path.join(DIST, 'apps/beneficiary/src/imports/import-job-registration.js'));
  const { ImportRunner } = require(path.join(DIST, 'apps/beneficiary/src/imports/import-runner.js'));
  const { importsConfigShape } = require(path.join(DIST, 'apps/beneficiary/src/config/imports.config.js'));

  const dataSource = new DataSource(
    platform.dataSourceOptions({ url: databaseUrl, schema: 'beneficiary', poolSize: 4, entities: BENEFICIARY_ENTITIES, migrations: BENEFICIARY_MIGRATIONS, applicationName: 'import-bench' }),
  );
  await dataSource.initialize();
  const outbox = new platform.OutboxService({ serviceName: 'beneficiary', schema: 'beneficiary' });
  const batchSize = importsConfigShape.IMPORT_BATCH_SIZE.parse(args['batch-size']);
  const stages = {};
  const stageClock = { add: (stage, ms) => (stages[stage] = (stages[stage] ?? 0) + ms) };
  const runner = new ImportRunner(dataSource, outbox, { batchSize, stageClock });
  const uploadDir = path.join(RESULTS, 'uploads');
  mkdirSync(uploadDir, { recursive: true });
  // A hard link stands for the upload: registration moves it into place, the generated file stays.
  const tempPath = path.join(uploadDir, `upload-${process.pid}`);
  rmSync(tempPath, { force: true });
  linkSync(file, tempPath);

  const startRssBytes = process.memoryUsage().rss;
  const stopSampling = memorySampler();
  const started = performance.now();
  const { job } = await platform.RequestContext.run({ correlationId: 'import-bench' }, () =>
    registerImportFile(dataSource, {
      tempPath,
      originalName: path.basename(file),
      programmeCode: 'TC_XH',
      uploadDir,
      provinceCode: '42',
      communeCode: null,
      createdBy: 'officer:bench',
      authorize: () => undefined,
    }),
  );
  const registered = performance.now();
  const finished = await platform.RequestContext.run({ correlationId: 'import-bench' }, () => runner.run(job.id));
  const ended = performance.now();
  const memory = stopSampling();
  const databaseCpuSeconds = await backendCpuSeconds(dataSource, 'import-bench');
  const [counts] = await dataSource.query(`SELECT
      (SELECT count(*) FROM beneficiary.beneficiary)::int AS beneficiaries,
      (SELECT count(*) FROM beneficiary.beneficiary_status_change)::int AS history,
      (SELECT count(*) FROM beneficiary.outbox_event)::int AS outbox,
      (SELECT count(*) FROM beneficiary.import_row_issue)::int AS issues`);
  await dataSource.destroy();
  console.log(
    JSON.stringify({
      batchSize,
      seconds: (ended - started) / 1000,
      registerSeconds: (registered - started) / 1000,
      importSeconds: (ended - registered) / 1000,
      startRssBytes,
      ...memory,
      job: { status: finished.status, processedRows: finished.processedRows, insertedRows: finished.insertedRows, duplicateRows: finished.duplicateRows, invalidRows: finished.invalidRows },
      issues: counts.issues,
      stageSeconds: Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, ms / 1000])),
      cpuSeconds: { node: cpuSecondsOfThisProcess(), database: databaseCpuSeconds },
      rowsWritten: { beneficiaries: counts.beneficiaries, history: counts.history, outbox: counts.outbox },
    }),
  );
}

function cpuSecondsOfThisProcess() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * CPU seconds used so far by the PostgreSQL backends of this process's connections (same host: read
 * from /proc). With the machine shared, CPU time is steadier than the wall clock; null elsewhere.
 */
async function backendCpuSeconds(queryable, applicationName) {
  const rows = await queryable.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
  let ticks = 0;
  try {
    for (const { pid } of rows.rows ?? rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / 100;
}

async function copyChild(file, databaseUrl) {
  const { Client } = require('pg');
  const { from: copyFrom } = require('pg-copy-streams');
  const client = new Client({ connectionString: databaseUrl, application_name: 'import-bench-copy' });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS bench`);
  await client.query(`DROP TABLE IF EXISTS bench.plain_copy`);
  await client.query(`CREATE TABLE bench.plain_copy (${HEADERS.map((_, index) => `c${index} text`).join(', ')})`);
  const stopSampling = memorySampler();
  const started = performance.now();
  await pipeline(createReadStream(file), client.query(copyFrom(`COPY bench.plain_copy FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`)));
  const ended = performance.now();
  const memory = stopSampling();
  const cpuSeconds = { node: cpuSecondsOfThisProcess(), database: await backendCpuSeconds(client, 'import-bench-copy') };
  const [{ count }] = (await client.query(`SELECT count(*)::int AS count FROM bench.plain_copy`)).rows;
  await client.end();
  console.log(JSON.stringify({ seconds: (ended - started) / 1000, rows: count, cpuSeconds, ...memory }));
}

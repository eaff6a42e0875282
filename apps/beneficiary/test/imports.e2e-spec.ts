import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beneficiaryRegisteredV1, COMMUNES_2025, foldVietnamese } from '@app/contracts';
import { configureHttp, OutboxRelayService, OutboxService, parseConfig } from '@app/platform';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { cccdFor, newBeneficiary, seededRandom, type BeneficiaryInput } from '../../../test/support/beneficiary-factory';
import { ServiceProcess } from '../../../test/support/service-process';
import { ADMIN_DATABASE_URL, PRINCIPALS, TEST_ENV, tokenFor, waitFor } from '../../../test/support/test-environment';
import { BeneficiaryAppModule } from '../src/app.module';
import { beneficiaryConfigSchema } from '../src/config/beneficiary.config';
import { IMPORT_COLUMNS } from '../src/imports/import-columns';
import { registerImportFile } from '../src/imports/import-job-registration';
import { ImportRunner } from '../src/imports/import-runner';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../../..');
const HEADERS = IMPORT_COLUMNS.map((column) => column.label);
const HA_TINH_COMMUNES = Object.keys(COMMUNES_2025).filter((code) => COMMUNES_2025[code][0] === '42');
const OTHER_PROVINCE_COMMUNES = Object.keys(COMMUNES_2025).filter((code) => COMMUNES_2025[code][0] !== '42');
// Five-digit codes in Hà Tĩnh's old range that are not on the 2025 list (communes merged away).
const UNKNOWN_COMMUNES = Array.from({ length: 1000 }, (_, index) => String(18_000 + index)).filter((code) => !(code in COMMUNES_2025));
const CATEGORIES = ['NCT_80', 'KT_NANG', 'TRE_MO_COI', 'HO_NGHEO_NCT'];

/** The kinds of bad rows the 100,000-row list carries, 2 % each, and the code each must be reported with. */
const BAD_KINDS = {
  badCccd: 'IMPORT.INVALID_CCCD_FORMAT',
  cccdBirthMismatch: 'BENEFICIARY.INVALID_CCCD',
  unknownCommune: 'BENEFICIARY.UNKNOWN_COMMUNE',
  otherProvinceCommune: 'BENEFICIARY.COMMUNE_NOT_IN_PROVINCE',
  futureBirthDate: 'BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE',
  numericAccountNumber: 'IMPORT.NUMERIC_ACCOUNT_NUMBER',
  missingName: 'IMPORT.MISSING_VALUE',
  duplicateInFile: 'IMPORT.DUPLICATE_IN_FILE',
} as const;
type BadKind = keyof typeof BAD_KINDS;

const dmy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const genderText = (gender: 'male' | 'female') => (gender === 'female' ? 'Nữ' : 'Nam');
const birthProvinceOf = (cccd: string) => cccd.slice(1, 3);

/** A Hà Tĩnh person whose CCCD serial is fixed, so every person of a list has a distinct CCCD. */
function person(seed: number, serial: number, random: () => number): BeneficiaryInput {
  const base = newBeneficiary({}, seed);
  return {
    ...base,
    cccd: cccdFor(birthProvinceOf(base.cccd), base.dateOfBirth, base.gender, serial),
    communeCode: HA_TINH_COMMUNES[Math.floor(random() * HA_TINH_COMMUNES.length)],
    categoryCode: CATEGORIES[Math.floor(random() * CATEGORIES.length)],
  };
}

/** A row as officers' lists have it, template column order; text everywhere unless a test wants Excel's number or date. */
function rowCells(input: BeneficiaryInput, extra: Partial<Record<(typeof IMPORT_COLUMNS)[number]['field'], unknown>> = {}): unknown[] {
  const values: Record<string, unknown> = {
    fullName: input.fullName,
    cccd: input.cccd,
    dateOfBirth: dmy(input.dateOfBirth),
    gender: genderText(input.gender),
    phone: input.phone ?? '',
    provinceCode: input.provinceCode,
    communeCode: input.communeCode,
    legacyDistrictCode: input.legacyDistrictCode ?? '',
    householdCode: '',
    programmeCode: '',
    categoryCode: input.categoryCode,
    accountNumber: '',
    ...extra,
  };
  return IMPORT_COLUMNS.map((column) => values[column.field] ?? null);
}

interface GeneratedList {
  filePath: string;
  /** Spreadsheet row number → the codes its report lines must carry. */
  expectedIssues: Map<number, string[]>;
  validCount: number;
  /** Valid people, by CCCD as it must be stored, for spot checks. */
  samples: { numericCccd: string; decomposedName: { cccd: string; fullName: string } };
  firstValid: BeneficiaryInput[];
  /** CCCD → the name every valid row must be stored with (composed, exactly as written). */
  validNames: Map<string, string>;
}

/**
 * 100,000 Hà Tĩnh rows written with exceljs' streaming writer, laid out as departments do: a title
 * line, a blank line, the header on row 3 with an "STT" column first. Valid rows mix Excel's ways of
 * holding data (CCCDs and phones as numbers that lost their zero, real date cells, text dates in both
 * orders, decomposed names); 8 of every 50 rows are bad, one of each kind.
 */
async function writeLargeList(dir: string, total: number): Promise<GeneratedList> {
  const random = seededRandom(20_261_123);
  const filePath = path.join(dir, 'danh-sach-tro-cap-ha-tinh.xlsx');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: filePath, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Danh sách');
  sheet.addRow(['DANH SÁCH ĐỐI TƯỢNG HƯỞNG TRỢ CẤP XÃ HỘI HÀNG THÁNG — TỈNH HÀ TĨNH']).commit();
  sheet.addRow([]).commit();
  sheet.addRow(['STT', ...HEADERS, 'Ghi chú']).commit();
  const firstDataRow = 4;
  const kinds = Object.keys(BAD_KINDS) as BadKind[];
  const expectedIssues = new Map<number, string[]>();
  const firstValid: BeneficiaryInput[] = [];
  const validNames = new Map<string, string>();
  let validCount = 0;
  let blockFirst: BeneficiaryInput | undefined;
  let numericCccd = '';
  let decomposedName = { cccd: '', fullName: '' };

  for (let index = 0; index < total; index += 1) {
    const rowNumber = firstDataRow + index;
    const slot = index % 50;
    const kind: BadKind | undefined = slot >= 50 - kinds.length ? kinds[slot - (50 - kinds.length)] : undefined;
    const someone = person(9_000_000 + index, index, random);
    let cells: unknown[];
    let dateCell: Date | undefined;
    if (!kind) {
      validCount += 1;
      validNames.set(someone.cccd, someone.fullName.normalize('NFC'));
      if (slot === 0) blockFirst = someone;
      if (firstValid.length < 1_000) firstValid.push(someone);
      const variant = index % 10;
      const extra: Record<string, unknown> = {};
      if (variant === 1) {
        extra.cccd = Number(someone.cccd); // the leading zero Excel drops
        numericCccd ||= someone.cccd;
      }
      if (variant === 2) dateCell = new Date(`${someone.dateOfBirth}T00:00:00Z`);
      if (variant === 3) extra.dateOfBirth = someone.dateOfBirth;
      if (variant === 4) extra.phone = Number(someone.phone);
      if (variant === 5) {
        extra.fullName = someone.fullName.normalize('NFD');
        if (!decomposedName.cccd) decomposedName = { cccd: someone.cccd, fullName: someone.fullName };
      }
      if (variant === 6) Object.assign(extra, { gender: genderText(someone.gender).toUpperCase(), provinceCode: 42, accountNumber: `0${String(index).padStart(12, '7')}` });
      if (variant === 7) Object.assign(extra, { programmeCode: 'TC_XH', householdCode: `HT-${someone.communeCode}-${String(index % 997).padStart(5, '0')}`, legacyDistrictCode: '436' });
      cells = rowCells(someone, extra);
    } else {
      expectedIssues.set(rowNumber, [BAD_KINDS[kind]]);
      switch (kind) {
        case 'badCccd':
          cells = rowCells(someone, { cccd: `${someone.cccd.slice(0, 6)}O${someone.cccd.slice(7)}` });
          break;
        case 'cccdBirthMismatch': {
          const nextYear = `${Number(someone.dateOfBirth.slice(0, 4)) + 1}${someone.dateOfBirth.slice(4)}`;
          cells = rowCells({ ...someone, cccd: cccdFor(birthProvinceOf(someone.cccd), nextYear, someone.gender, index) });
          break;
        }
        case 'unknownCommune':
          cells = rowCells({ ...someone, communeCode: UNKNOWN_COMMUNES[index % UNKNOWN_COMMUNES.length] });
          break;
        case 'otherProvinceCommune':
          cells = rowCells({ ...someone, communeCode: OTHER_PROVINCE_COMMUNES[index % OTHER_PROVINCE_COMMUNES.length] });
          break;
        case 'futureBirthDate': {
          const future = `20${31 + (index % 40)}-0${1 + (index % 9)}-1${index % 10}`;
          cells = rowCells({ ...someone, dateOfBirth: future, cccd: cccdFor(birthProvinceOf(someone.cccd), future, someone.gender, index) });
          break;
        }
        case 'numericAccountNumber':
          cells = rowCells(someone, { accountNumber: 1_903_456_789_012_345 + index });
          break;
        case 'missingName':
          cells = rowCells(someone, { fullName: index % 2 ? '' : '   ' });
          break;
        case 'duplicateInFile':
          // The same person entered a second time in the same list, name typed differently.
          cells = rowCells({ ...blockFirst!, fullName: blockFirst!.fullName.toUpperCase() });
          break;
      }
    }
    const row = sheet.addRow([index + 1, ...cells, '']);
    if (dateCell) {
      const cell = row.getCell(1 + 1 + IMPORT_COLUMNS.findIndex((column) => column.field === 'dateOfBirth'));
      cell.value = dateCell;
      cell.numFmt = 'dd/mm/yyyy';
    }
    row.commit();
  }
  sheet.commit();
  // A second sheet, as officers keep notes next to their list: it must not be read as data.
  const notes = workbook.addWorksheet('Ghi chú');
  notes.addRow(['Họ và tên', 'Số CCCD', 'Ghi chú']).commit();
  notes.addRow(['Không phải dữ liệu', '042148001234', 'bỏ qua']).commit();
  notes.commit();
  await workbook.commit();
  return { filePath, expectedIssues, validCount, samples: { numericCccd, decomposedName }, firstValid, validNames };
}

/** Collects a binary response body (supertest only buffers text by itself); at run time `response` is the HTTP stream. */
const binary = (response: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('bulk import of officers’ lists (HTTP + BullMQ worker, real PostgreSQL / Redis)', () => {
  // A database of this suite's own: 100,000 registrations and their outbox rows stay out of the
  // shared test database, whose outbox the cross-service tests drain through Kafka.
  const database = `${new URL(TEST_ENV.DATABASE_URL).pathname.slice(1)}_imports`;
  const databaseUrl = Object.assign(new URL(TEST_ENV.DATABASE_URL), { pathname: `/${database}` }).toString();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'ansinh-imports-e2e-'));
  const uploadDir = path.join(workDir, 'uploads');
  let app: INestApplication;
  let db: DataSource;
  const officer = `Bearer ${tokenFor(PRINCIPALS.haTinhOfficer)}`;
  const env = {
    ...TEST_ENV,
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `test-${database}`,
    IMPORT_UPLOAD_DIR: uploadDir,
    IMPORT_MAX_FILE_BYTES: String(64 * 1024 * 1024),
    // Identity checks are not under test here: keep their sweeps from queuing 84,000 verifications.
    IDENTITY_SWEEP_INTERVAL_MS: '3600000',
    DEATH_FEED_INTERVAL_MS: '86400000',
  };

  beforeAll(async () => {
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/beneficiary/apps/beneficiary/src/migrate.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const config = parseConfig(beneficiaryConfigSchema, env);
    const moduleRef = await Test.createTestingModule({ imports: [BeneficiaryAppModule.forRoot(config)] })
      // Events are checked in the outbox; relaying 100,000 of them would flood the broker other suites read.
      .overrideProvider(OutboxRelayService)
      .useValue({ onApplicationBootstrap: () => undefined, onApplicationShutdown: async () => undefined })
      .compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttp(app, { title: 'test', description: 'test' });
    await app.init();
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const upload = (filePath: string, programmeCode: string, authorization = officer, fileName = path.basename(filePath)) =>
    request(app.getHttpServer()).post('/imports').set('authorization', authorization).field('programmeCode', programmeCode).attach('file', filePath, fileName);

  /** Polls the status endpoint as the CLI does, recording what it saw, until the job is over. */
  async function finished(id: string, timeoutMs = 60_000, seen: number[] = []) {
    return waitFor(
      async () => {
        const response = await request(app.getHttpServer()).get(`/imports/${id}`).set('authorization', officer).expect(200);
        seen.push(response.body.processedRows);
        return ['completed', 'failed'].includes(response.body.status) ? response.body : undefined;
      },
      `import ${id} to finish`,
      timeoutMs,
      250,
    );
  }

  const report = async (id: string) => {
    const response = await request(app.getHttpServer())
      .get(`/imports/${id}/report.csv`)
      .set('authorization', officer)
      .buffer(true)
      .parse(binary)
      .expect(200);
    const body = response.body as Buffer;
    expect(body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(response.headers['content-type']).toMatch(/text\/csv/);
    const [header, ...lines] = parseCsv(body, { bom: true }) as string[][];
    expect(header).toEqual(['Dòng', 'Cột', 'Mã lỗi', 'Lý do']);
    return lines.map(([row, column, code, message]) => ({ row: Number(row), column, code, message }));
  };

  const countOf = async (sql: string, values: unknown[]) => Number((await db.query(sql, values))[0].count);

  // First, while this suite's database holds nothing else: the service process relays its outbox to Kafka.
  describe('the command line', () => {
    it('uploads a list to a running service, follows it with a progress bar and saves the report', async () => {
      const service = await ServiceProcess.start('beneficiary', 3_400 + (process.pid % 500), { ...env, LOG_LEVEL: 'warn' });
      try {
        const random = seededRandom(2_468);
        const people = Array.from({ length: 40 }, (_, index) => person(2_468_000 + index, 990_000 + index, random));
        const rows = people.map((someone) => rowCells(someone));
        rows[9] = rowCells(people[9], { accountNumber: '1.23457E+15' }); // row 11: an account number Excel mangled
        const filePath = path.join(workDir, 'danh sách từ dòng lệnh.csv');
        writeFileSync(filePath, stringifyCsv([HEADERS, ...rows], { bom: true }));
        const reportPath = path.join(workDir, 'bao-cao.csv');
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          [path.join(ROOT, 'dist/apps/beneficiary/apps/beneficiary/src/imports/import-file.cli.js'), '--file', filePath, '--programme', 'CLI_TEST', '--url', service.url, '--report', reportPath, '--interval', '200'],
          { env: { PATH: process.env.PATH ?? '', ANSINH_TOKEN: tokenFor(PRINCIPALS.haTinhOfficer) } },
        );
        expect(stdout).toContain('Đang tải lên danh sách từ dòng lệnh.csv');
        // The bar goes to stderr, the outcome to stdout; without a terminal the bar is printed as lines.
        expect(stderr).toMatch(/100% \| 40 dòng \| mới 39 \| trùng 0 \| lỗi 1 \| completed/);
        expect(stdout).toContain('Xong: 40 dòng, 39 đối tượng mới, 0 đã có (bỏ qua), 1 dòng lỗi.');
        const saved = readFileSync(reportPath);
        expect(saved.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
        expect(saved.toString('utf8')).toContain('11,Số tài khoản,IMPORT.NUMERIC_ACCOUNT_NUMBER');
        const [job] = await db.query(`SELECT file_name, created_by FROM beneficiary.import_job WHERE programme_code = 'CLI_TEST'`);
        expect(job).toEqual({ file_name: 'danh sách từ dòng lệnh.csv', created_by: 'officer:can.bo.ha.tinh' });
      } finally {
        await service.stop();
      }
    });
  });

  describe('the template', () => {
    it('has text-formatted columns, the province’s communes on a hidden sheet and drop-downs', async () => {
      const response = await request(app.getHttpServer())
        .get('/imports/template.xlsx')
        .set('authorization', officer)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(response.headers['content-disposition']).toContain('attachment');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('Danh sách')!;
      expect(sheet.getRow(1).values).toEqual([undefined, ...HEADERS]);
      HEADERS.forEach((_header, index) => {
        expect(sheet.getColumn(index + 1).numFmt).toBe('@');
        expect(sheet.getRow(1).getCell(index + 1).numFmt).toBe('@');
      });
      const lists = workbook.getWorksheet('DanhMuc')!;
      expect(lists.state).toBe('hidden');
      const listed = (lists.getColumn(1).values as unknown[]).slice(2).filter(Boolean);
      expect(listed).toEqual([...HA_TINH_COMMUNES].sort());
      expect(lists.getCell('C2').value).toBe('42');

      const validations = (sheet as unknown as { dataValidations: { model: Record<string, { type: string; formulae: string[] }> } }).dataValidations.model;
      const letter = (field: string) => String.fromCharCode(65 + IMPORT_COLUMNS.findIndex((column) => column.field === field));
      // exceljs reads a range validation back as one entry per cell: check the first and last rows of each.
      for (const row of [2, 10_001]) {
        expect(validations[`${letter('communeCode')}${row}`]).toMatchObject({ type: 'list', formulae: [`DanhMuc!$A$2:$A$${HA_TINH_COMMUNES.length + 1}`] });
        expect(validations[`${letter('provinceCode')}${row}`]).toMatchObject({ type: 'list', formulae: ['DanhMuc!$C$2:$C$2'] });
        expect(validations[`${letter('gender')}${row}`]).toMatchObject({ type: 'list', formulae: ['"Nam,Nữ"'] });
      }
    });

    it('imports once an officer has filled it in', async () => {
      const response = await request(app.getHttpServer())
        .get('/imports/template.xlsx')
        .set('authorization', officer)
        .buffer(true)
        .parse(binary)
        .expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
      const random = seededRandom(7);
      const people = Array.from({ length: 3 }, (_, index) => person(7_000 + index, 700_000 + index, random));
      people.forEach((someone, index) => (workbook.getWorksheet('Danh sách')!.getRow(index + 2).values = rowCells(someone) as ExcelJS.CellValue[]));
      const filePath = path.join(workDir, 'mau-da-dien.xlsx');
      await workbook.xlsx.writeFile(filePath);

      const created = await upload(filePath, 'TEMPLATE_TEST').expect(201);
      const job = await finished(created.body.id);
      expect(job).toMatchObject({ status: 'completed', processedRows: 3, insertedRows: 3, invalidRows: 0 });
    });
  });

  describe('a 100,000-row .xlsx with 2 % bad rows of each kind', () => {
    const total = 100_000;
    let list: GeneratedList;
    let jobId: string;

    beforeAll(async () => {
      list = await writeLargeList(workDir, total);
    });

    it('imports every valid row, reports exactly the bad ones, with progress along the way', async () => {
      const started = Date.now();
      const created = await upload(list.filePath, 'TC_XH').expect(201);
      jobId = created.body.id;
      expect(created.body).toMatchObject({ status: 'queued', format: 'xlsx', programmeCode: 'TC_XH', provinceCode: '42', fileName: 'danh-sach-tro-cap-ha-tinh.xlsx' });

      const seen: number[] = [];
      const job = await finished(jobId, 180_000, seen);
      const seconds = (Date.now() - started) / 1000;
      console.log(`100,000-row .xlsx imported in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} rows/s)`);
      expect(job).toMatchObject({
        status: 'completed',
        progress: 1,
        totalRows: total,
        processedRows: total,
        insertedRows: list.validCount,
        duplicateRows: 0,
        invalidRows: list.expectedIssues.size,
        errorCode: null,
      });
      expect(list.validCount).toBe(84_000);
      expect(list.expectedIssues.size).toBe(16_000);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);

      expect(await countOf(`SELECT count(*) FROM beneficiary.beneficiary WHERE programme_code = 'TC_XH'`, [])).toBe(84_000);
      expect(
        await countOf(
          `SELECT count(*) FROM beneficiary.beneficiary_status_change h JOIN beneficiary.beneficiary b ON b.id = h.beneficiary_id
            WHERE b.programme_code = 'TC_XH' AND h.reason_code = 'IMPORTED' AND h.actor = 'officer:can.bo.ha.tinh' AND h.to_status = 'pending_verification'`,
          [],
        ),
      ).toBe(84_000);
      expect(
        await countOf(`SELECT count(*) FROM beneficiary.outbox_event WHERE topic = $1 AND envelope->'payload'->>'programmeCode' = 'TC_XH'`, [beneficiaryRegisteredV1.topic]),
      ).toBe(84_000);
      const [event] = await db.query(`SELECT envelope::text AS envelope FROM beneficiary.outbox_event WHERE envelope->'payload'->>'cccd' = $1`, [list.samples.numericCccd]);
      expect(beneficiaryRegisteredV1.envelope.parse(JSON.parse(event.envelope)).payload).toMatchObject({ cccd: list.samples.numericCccd, status: 'pending_verification' });

      // Every name exactly as written: no character lost between two read chunks, decomposed ones composed.
      const stored: Array<{ cccd: string; full_name: string }> = await db.query(`SELECT cccd, full_name FROM beneficiary.beneficiary WHERE programme_code = 'TC_XH'`);
      expect(stored.filter((row) => list.validNames.get(row.cccd) !== row.full_name).slice(0, 5)).toEqual([]);

      // One `registered` event per registration, its envelope (built by the database) valid under the
      // contract and saying what was stored; and the stored name key is the TypeScript fold of the name.
      const written: Array<{ id: string; cccd: string; full_name: string; date_of_birth: string; registered_at: Date; name_key: string; message_key: string; envelope: string }> =
        await db.query(
          `SELECT b.id, b.cccd, b.full_name, b.date_of_birth::text, b.registered_at, b.name_key, e.message_key, e.envelope::text AS envelope
             FROM beneficiary.beneficiary b JOIN beneficiary.outbox_event e ON (e.envelope->>'aggregateId')::uuid = b.id
            WHERE b.programme_code = 'TC_XH'`,
        );
      expect(written).toHaveLength(84_000);
      const eventIds = new Set<string>();
      const misfits = written.filter((row) => {
        const envelope = beneficiaryRegisteredV1.envelope.parse(JSON.parse(row.envelope));
        eventIds.add(envelope.eventId);
        return (
          row.message_key !== row.id ||
          envelope.producer !== 'beneficiary' ||
          envelope.payload.beneficiaryId !== row.id ||
          envelope.payload.cccd !== row.cccd ||
          envelope.payload.fullName !== row.full_name ||
          envelope.payload.dateOfBirth !== row.date_of_birth ||
          envelope.payload.registeredAt !== row.registered_at.toISOString() ||
          row.name_key !== foldVietnamese(row.full_name)
        );
      });
      expect(misfits.slice(0, 3)).toEqual([]);
      expect(eventIds.size).toBe(84_000);

      // The Excel traps were undone, not just tolerated.
      const [padded] = await db.query(`SELECT cccd, registered_by FROM beneficiary.beneficiary WHERE cccd = $1`, [list.samples.numericCccd]);
      expect(padded).toEqual({ cccd: list.samples.numericCccd, registered_by: 'officer:can.bo.ha.tinh' });
      const [composed] = await db.query(`SELECT full_name FROM beneficiary.beneficiary WHERE cccd = $1`, [list.samples.decomposedName.cccd]);
      expect(composed.full_name).toBe(list.samples.decomposedName.fullName.normalize('NFC'));
      expect(await countOf(`SELECT count(*) FROM beneficiary.beneficiary WHERE programme_code = 'TC_XH' AND (phone IS NULL OR phone !~ '^0')`, [])).toBe(0);

      const lines = await report(jobId);
      const reported = new Map<number, string[]>();
      for (const line of lines) reported.set(line.row, [...(reported.get(line.row) ?? []), line.code]);
      expect(reported.size).toBe(list.expectedIssues.size);
      const wrong = [...list.expectedIssues].filter(([row, codes]) => JSON.stringify(reported.get(row)) !== JSON.stringify(codes));
      expect(wrong.slice(0, 5)).toEqual([]);
      for (const line of lines) expect(line.message).toMatch(/[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i);
      const sample = (code: string) => lines.find((line) => line.code === code)!;
      expect(sample('IMPORT.DUPLICATE_IN_FILE')).toMatchObject({ column: 'Số CCCD', message: expect.stringMatching(/^Số CCCD trùng với dòng \d+ trong cùng tệp/) });
      expect(sample('IMPORT.NUMERIC_ACCOUNT_NUMBER')).toMatchObject({ column: 'Số tài khoản' });
      expect(sample('BENEFICIARY.COMMUNE_NOT_IN_PROVINCE')).toMatchObject({ column: 'Mã xã', message: expect.stringMatching(/không thuộc Tỉnh Hà Tĩnh\.$/) });
      expect(sample('IMPORT.MISSING_VALUE')).toMatchObject({ column: 'Họ và tên', message: 'Thiếu Họ và tên.' });
    });

    it('offers the same report as a workbook', async () => {
      const response = await request(app.getHttpServer())
        .get(`/imports/${jobId}/report.xlsx`)
        .set('authorization', officer)
        .buffer(true)
        .parse(binary)
        .expect(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0];
      expect(sheet.getRow(1).values).toEqual([undefined, 'Dòng', 'Cột', 'Mã lỗi', 'Lý do']);
      expect(sheet.rowCount).toBe(1 + list.expectedIssues.size);
      const [firstBad] = list.expectedIssues;
      expect(sheet.getRow(2).values).toEqual([undefined, firstBad[0], expect.any(String), firstBad[1][0], expect.any(String)]);
    });

    it('creates nothing new when the same file is uploaded again, and answers with the existing job', async () => {
      const before = await countOf(`SELECT count(*) FROM beneficiary.beneficiary`, []);
      const again = await upload(list.filePath, 'TC_XH', officer, 'tai-lai.xlsx').expect(200);
      expect(again.body).toMatchObject({ id: jobId, status: 'completed', insertedRows: 84_000 });
      expect(await countOf(`SELECT count(*) FROM beneficiary.beneficiary`, [])).toBe(before);
      expect(await countOf(`SELECT count(*) FROM beneficiary.import_job WHERE file_sha256 = (SELECT file_sha256 FROM beneficiary.import_job WHERE id = $1)`, [jobId])).toBe(1);
    });

    it('skips, and counts as duplicates, the people of an overlapping list already registered (UTF-8 CSV with BOM)', async () => {
      const random = seededRandom(11);
      const newcomers = Array.from({ length: 20 }, (_, index) => person(11_000 + index, 800_000 + index, random));
      const csv = stringifyCsv([HEADERS, ...[...list.firstValid.slice(0, 300), ...newcomers].map((someone) => rowCells(someone))], { bom: true, record_delimiter: 'windows' });
      const filePath = path.join(workDir, 'danh-sach-bo-sung.csv');
      writeFileSync(filePath, csv);
      const created = await upload(filePath, 'TC_XH').expect(201);
      expect(created.body).toMatchObject({ format: 'csv', encoding: 'utf-8-bom' });
      const job = await finished(created.body.id);
      expect(job).toMatchObject({ status: 'completed', processedRows: 320, insertedRows: 20, duplicateRows: 300, invalidRows: 0 });
      expect(await countOf(`SELECT count(*) FROM beneficiary.beneficiary WHERE programme_code = 'TC_XH'`, [])).toBe(84_020);
      // Events for the newcomers only: the people skipped were announced when they were registered.
      expect(await countOf(`SELECT count(*) FROM beneficiary.outbox_event WHERE envelope->'payload'->>'programmeCode' = 'TC_XH'`, [])).toBe(84_020);
    });
  });

  describe('CSV files as Excel saves them', () => {
    it('decodes a Windows-1258 list and stores composed (NFC) Vietnamese', async () => {
      const random = seededRandom(1258);
      const people = Array.from({ length: 200 }, (_, index) => person(1_258_000 + index, 900_000 + index, random));
      const text = [HEADERS, ...people.map((someone) => rowCells(someone))].map((cells) => cells.join(',')).join('\r\n');
      // Code page 1258 holds â ê ô ă ơ ư đ whole but writes tone marks as separate combining characters.
      const tones = /[\u0300\u0301\u0303\u0309\u0323]/g;
      const windowsForm = [...text]
        .map((character) => {
          const parts = character.normalize('NFD');
          return parts.replace(tones, '').normalize('NFC') + (parts.match(tones) ?? []).join('');
        })
        .join('');
      const filePath = path.join(workDir, 'danh-sach-windows-1258.csv');
      writeFileSync(filePath, iconv.encode(windowsForm, 'windows1258'));

      const created = await upload(filePath, 'NCC').expect(201);
      expect(created.body).toMatchObject({ format: 'csv', encoding: 'windows-1258' });
      const job = await finished(created.body.id);
      expect(job).toMatchObject({ status: 'completed', processedRows: 200, insertedRows: 200, invalidRows: 0 });
      const stored: Array<{ cccd: string; full_name: string }> = await db.query(`SELECT cccd, full_name FROM beneficiary.beneficiary WHERE programme_code = 'NCC'`);
      const nameOf = new Map(stored.map((row) => [row.cccd, row.full_name]));
      for (const someone of people) expect(nameOf.get(someone.cccd)).toBe(someone.fullName.normalize('NFC'));
    });

    it('holds a commune officer to their commune, row by row', async () => {
      const random = seededRandom(18_073);
      const [inside, outside] = [person(18_073, 950_000, random), person(18_074, 950_001, random)];
      const filePath = path.join(workDir, 'xa-thanh-sen.csv');
      writeFileSync(filePath, stringifyCsv([HEADERS, rowCells({ ...inside, communeCode: '18073' }), rowCells({ ...outside, communeCode: '18100' })], { bom: true }));
      const communeOfficer = `Bearer ${tokenFor(PRINCIPALS.communeOfficer)}`;
      const created = await upload(filePath, 'TC_XH', communeOfficer).expect(201);
      expect(created.body).toMatchObject({ provinceCode: '42', communeCode: '18073' });
      const job = await finished(created.body.id);
      expect(job).toMatchObject({ status: 'completed', insertedRows: 1, invalidRows: 1 });
      expect(await report(created.body.id)).toEqual([{ row: 3, column: 'Mã xã', code: 'AUTH.OUT_OF_AREA', message: 'Đối tượng thuộc địa bàn ngoài phạm vi quản lý của bạn.' }]);
    });

    it('fails a file without the required columns, naming them', async () => {
      const filePath = path.join(workDir, 'thieu-cot.csv');
      writeFileSync(filePath, 'Họ và tên,Số CCCD,Ghi chú\r\nNguyễn Thị Đào,042148001234,\r\n');
      const created = await upload(filePath, 'TC_XH').expect(201);
      const job = await finished(created.body.id);
      expect(job).toMatchObject({ status: 'failed', errorCode: 'IMPORT.MISSING_COLUMNS', processedRows: 0 });
      expect(job.errorMessage).toContain('Ngày sinh, Giới tính (Nam/Nữ), Mã tỉnh, Mã xã, Mã nhóm đối tượng');
    });
  });

  describe('a worker that dies part-way', () => {
    it('resumes after the last committed batch, counting and reporting nothing twice', async () => {
      const random = seededRandom(404);
      const people = Array.from({ length: 95 }, (_, index) => person(404_000 + index, 970_000 + index, random));
      const rows = people.map((someone) => rowCells(someone));
      rows[59] = rowCells(people[4]); // row 61 repeats row 6, which is committed before the crash
      rows[79] = rowCells({ ...people[79], communeCode: '00004' }); // row 81: a commune of Hà Nội
      // Registered as an upload would be (multer first writes it into the upload directory), not queued:
      // this test drives the runner itself.
      const tempPath = path.join(uploadDir, 'upload-resume-test');
      writeFileSync(tempPath, stringifyCsv([HEADERS, ...rows], { bom: true }));
      const { job } = await registerImportFile(db, {
        tempPath,
        originalName: 'gian-doan.csv',
        programmeCode: 'RESUME_TEST',
        uploadDir,
        provinceCode: '42',
        communeCode: null,
        createdBy: 'officer:can.bo.ha.tinh',
        authorize: () => undefined,
      });
      const runner = new ImportRunner(db, app.get(OutboxService), { batchSize: 10 });

      type Commit = (...args: unknown[]) => Promise<number>;
      const internals = ImportRunner.prototype as unknown as { commit: Commit };
      const commit = internals.commit;
      let calls = 0;
      const crash = jest.spyOn(internals, 'commit').mockImplementation(function (this: ImportRunner, ...args: unknown[]) {
        calls += 1;
        return calls === 4 ? Promise.reject(new Error('Connection terminated unexpectedly')) : commit.apply(this, args);
      });
      try {
        await expect(runner.run(job.id)).rejects.toThrow('Connection terminated unexpectedly');
      } finally {
        crash.mockRestore();
      }
      const [interrupted] = await db.query(`SELECT status, processed_rows, last_row_number FROM beneficiary.import_job WHERE id = $1`, [job.id]);
      expect(interrupted).toEqual({ status: 'running', processed_rows: 30, last_row_number: 31 });

      const resumed = await runner.run(job.id);
      expect(resumed).toMatchObject({ status: 'completed', processedRows: 95, insertedRows: 93, duplicateRows: 0, invalidRows: 2, totalRows: 95 });
      expect(await countOf(`SELECT count(*) FROM beneficiary.beneficiary WHERE programme_code = 'RESUME_TEST'`, [])).toBe(93);
      expect((await report(job.id)).map(({ row, code }) => [row, code])).toEqual([
        [61, 'IMPORT.DUPLICATE_IN_FILE'],
        [81, 'BENEFICIARY.COMMUNE_NOT_IN_PROVINCE'],
      ]);
    });
  });

  describe('one batch holding every kind of row', () => {
    it('writes the good rows with one event each, reports the bad and repeated ones, and flags likely duplicates within the batch', async () => {
      const random = seededRandom(5_150);
      const people = Array.from({ length: 8 }, (_, index) => person(5_150 + index, 960_000 + index, random));
      const runImport = async (rows: unknown[][], originalName: string) => {
        const tempPath = path.join(uploadDir, `upload-${originalName}`);
        writeFileSync(tempPath, stringifyCsv([HEADERS, ...rows], { bom: true }));
        const { job } = await registerImportFile(db, {
          tempPath,
          originalName,
          programmeCode: 'BATCH_TEST',
          uploadDir,
          provinceCode: '42',
          communeCode: null,
          createdBy: 'officer:can.bo.ha.tinh',
          authorize: () => undefined,
        });
        const stages = new Map<string, number>();
        const runner = new ImportRunner(db, app.get(OutboxService), { batchSize: 1_000, stageClock: { add: (stage, ms) => stages.set(stage, (stages.get(stage) ?? 0) + ms) } });
        return { job: await runner.run(job.id), stages };
      };
      // Registered by an earlier list: the later one must skip them, not announce them again.
      await runImport([rowCells(people[0])], 'dot-1.csv');

      // Same name, birth date and commune as people[1] under another CCCD: a likely duplicate.
      const lookalike = { ...people[2], fullName: people[1].fullName, dateOfBirth: people[1].dateOfBirth, gender: people[1].gender, communeCode: people[1].communeCode };
      lookalike.cccd = cccdFor(birthProvinceOf(people[2].cccd), lookalike.dateOfBirth, lookalike.gender, 960_102);
      const { job, stages } = await runImport(
        [
          rowCells(people[0]), // row 2: already registered
          rowCells(people[1]), // row 3
          rowCells(lookalike), // row 4
          rowCells(people[3], { phone: '12345' }), // row 5: bad phone among good rows
          rowCells(people[4]), // row 6
          rowCells(people[1]), // row 7: repeats row 3 in the same batch
          rowCells(people[5]), // row 8
        ],
        'dot-2.csv',
      );
      expect(job).toMatchObject({ status: 'completed', processedRows: 7, insertedRows: 4, duplicateRows: 1, invalidRows: 2 });
      expect((await report(job!.id)).map(({ row, code }) => [row, code])).toEqual([
        [5, 'IMPORT.INVALID_PHONE'],
        [7, 'IMPORT.DUPLICATE_IN_FILE'],
      ]);
      const cccds = (await db.query(`SELECT cccd FROM beneficiary.beneficiary WHERE programme_code = 'BATCH_TEST' ORDER BY id`)).map((row: { cccd: string }) => row.cccd);
      expect(cccds).toEqual([people[0].cccd, people[1].cccd, lookalike.cccd, people[4].cccd, people[5].cccd]);
      const events: Array<{ cccd: string }> = await db.query(
        `SELECT envelope->'payload'->>'cccd' AS cccd FROM beneficiary.outbox_event WHERE envelope->'payload'->>'programmeCode' = 'BATCH_TEST' ORDER BY id`,
      );
      expect(events.map((event) => event.cccd)).toEqual(cccds);
      const history = await countOf(
        `SELECT count(*) FROM beneficiary.beneficiary_status_change h JOIN beneficiary.beneficiary b ON b.id = h.beneficiary_id WHERE b.programme_code = 'BATCH_TEST' AND h.reason_code = 'IMPORTED'`,
        [],
      );
      expect(history).toBe(5);
      const flagged: Array<{ fresh: string; earlier: string }> = await db.query(
        `SELECT f.cccd AS fresh, e.cccd AS earlier FROM beneficiary.duplicate_candidate d
           JOIN beneficiary.beneficiary f ON f.id = d.beneficiary_id JOIN beneficiary.beneficiary e ON e.id = d.possible_duplicate_of
          WHERE f.programme_code = 'BATCH_TEST'`,
      );
      expect(flagged).toEqual([{ fresh: lookalike.cccd, earlier: people[1].cccd }]);
      expect([...stages.keys()].sort()).toEqual(['commit', 'jobAndIssues', 'likelyDuplicates', 'validate', 'writeRows']);
    });
  });

  describe('access and refusals', () => {
    let jobId: string;

    beforeAll(async () => {
      const filePath = path.join(workDir, 'nho.csv');
      writeFileSync(filePath, stringifyCsv([HEADERS, rowCells(person(31, 960_000, seededRandom(31)))], { bom: true }));
      jobId = (await upload(filePath, 'ACCESS_TEST').expect(201)).body.id;
      await finished(jobId);
    });

    it.each([
      ['a supervisor of the province', PRINCIPALS.haTinhSupervisor, 200, undefined],
      ['a national auditor', PRINCIPALS.nationalAuditor, 200, undefined],
      ['an officer of another province', PRINCIPALS.haNoiOfficer, 403, 'AUTH.OUT_OF_AREA'],
      ['a commune officer (the job covers the whole province)', PRINCIPALS.communeOfficer, 403, 'AUTH.OUT_OF_AREA'],
      ['a bank', PRINCIPALS.vietcombank, 403, 'AUTH.ROLE_NOT_ALLOWED'],
    ])('shows a job and its report only inside the area: %s', async (_label, principal, status, code) => {
      const authorization = `Bearer ${tokenFor(principal)}`;
      const response = await request(app.getHttpServer()).get(`/imports/${jobId}`).set('authorization', authorization).expect(status);
      await request(app.getHttpServer()).get(`/imports/${jobId}/report.csv`).set('authorization', authorization).expect(status);
      if (code) expect(response.body.code).toBe(code);
      const listed = await request(app.getHttpServer()).get('/imports').set('authorization', authorization);
      if (status === 200) expect(listed.body.map((job: { id: string }) => job.id)).toContain(jobId);
      else if (listed.status === 200) expect(listed.body.map((job: { id: string }) => job.id)).not.toContain(jobId);
    });

    it('refuses uploads by roles that only read, and by an officer of another province for a file it already has', async () => {
      const filePath = path.join(workDir, 'nho.csv');
      const auditor = await upload(filePath, 'ACCESS_TEST', `Bearer ${tokenFor(PRINCIPALS.nationalAuditor)}`).expect(403);
      expect(auditor.body.code).toBe('AUTH.ROLE_NOT_ALLOWED');
      const otherProvince = await upload(filePath, 'ACCESS_TEST', `Bearer ${tokenFor(PRINCIPALS.haNoiOfficer)}`).expect(403);
      expect(otherProvince.body.code).toBe('AUTH.OUT_OF_AREA');
    });

    it.each([
      ['an Excel 97-2003 workbook', 'danh-sach.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'TC_XH', 'IMPORT.UNSUPPORTED_FILE_TYPE'],
      ['a PDF', 'danh-sach.pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'TC_XH', 'IMPORT.UNSUPPORTED_FILE_TYPE'],
      ['a lower-case programme code', 'nho.csv', Buffer.from('Họ và tên\n'), 'tc xh', 'REQUEST.VALIDATION_FAILED'],
    ])('refuses %s with a coded 400 and keeps nothing', async (_label, name, bytes, programmeCode, code) => {
      const filePath = path.join(workDir, `refused-${name}`);
      writeFileSync(filePath, bytes);
      const jobsBefore = await countOf(`SELECT count(*) FROM beneficiary.import_job`, []);
      const response = await upload(filePath, programmeCode, officer, name).expect(400);
      expect(response.body.code).toBe(code);
      expect(response.body.message).toMatch(/[ạảãâầấậẩẫăằắặẳẵẹẻẽêềếệểễịỉĩọỏõôồốộổỗơờớợởỡụủũưừứựửữđ]/i);
      expect(await countOf(`SELECT count(*) FROM beneficiary.import_job`, [])).toBe(jobsBefore);
    });

    it('refuses a request without a file', async () => {
      const response = await request(app.getHttpServer()).post('/imports').set('authorization', officer).field('programmeCode', 'TC_XH').expect(400);
      expect(response.body.code).toBe('IMPORT.FILE_MISSING');
    });

    it('leaves no upload behind once every import is over and every refused file is gone', async () => {
      await waitFor(async () => (await countOf(`SELECT count(*) FROM beneficiary.import_job WHERE status IN ('queued', 'running')`, [])) === 0, 'imports to finish');
      const remaining = readdirSync(uploadDir);
      const failedFiles = await countOf(`SELECT count(*) FROM beneficiary.import_job WHERE status = 'failed' AND stored_path IS NOT NULL`, []);
      // A failed import keeps its file until it is uploaded again; nothing else stays.
      expect(remaining).toHaveLength(failedFiles);
    });
  });
});

import { unlink } from 'node:fs/promises';
import { beneficiaryRegisteredV1 } from '@app/contracts';
import { OutboxService } from '@app/platform';
import { Logger } from '@nestjs/common';
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { flagLikelyDuplicates } from '../beneficiaries/duplicate-detection';
import { HEADER_SEARCH_ROWS, resolveHeader, type ColumnLayout } from './import-columns';
import { ImportJobEntity } from './import-job.entity';
import { isBlankCell, parseCccd, parseRow, ROW_ISSUES, type ImportCandidate, type RowContext, type RowIssue } from './row-parser';
import { csvRowSource, xlsxRowSource, type RowSource } from './row-sources';

/** A problem with the file as a whole (no header, missing columns, broken CSV): the job fails with it. */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another worker has committed past this one (a stalled job re-run): this one stops without writing. */
export class ImportSupersededError extends Error {}

export interface ImportRunnerOptions {
  /** Rows per transaction: one multi-row INSERT each, with their history, events and issues. */
  batchSize: number;
  /**
   * Batches written at the same time (default 2). PostgreSQL runs each transaction on one core, so a
   * second one in flight uses the second core; commits still happen in file order (see commit()).
   */
  parallelBatches?: number;
  /** Told how long each stage took, batch by batch (the benchmark's per-stage breakdown). */
  stageClock?: StageClock;
}

export interface StageClock {
  add(stage: ImportStage, milliseconds: number): void;
}

/** What an import's time goes to; the database stages are summed over the batches written side by side. */
export type ImportStage = 'validate' | 'waitForWriter' | 'writeRows' | 'jobAndIssues' | 'likelyDuplicates' | 'commit';

class Batch {
  readonly candidates: ImportCandidate[] = [];
  readonly issues: Array<RowIssue & { rowNumber: number }> = [];
  rows = 0;
  invalid = 0;
  lastRowNumber = 0;
}

/**
 * Streams one uploaded list into the registry. Rows are validated one by one and written in batches,
 * each in one transaction with its status history, its `registered` events (outbox), its issues and
 * the job's counters — so the job's figures always describe exactly what is committed, and a worker
 * that dies mid-file resumes after the last committed batch. Existing registrations (a re-upload, an
 * overlapping list) are skipped by the database (ON CONFLICT DO NOTHING) and counted as duplicates.
 *
 * Memory is bounded by a few batches (two being written while the next is parsed) plus one entry per
 * CCCD seen, which is what finding duplicate rows inside the file needs; the file itself is streamed.
 */
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly options: ImportRunnerOptions,
  ) {}

  async run(jobId: string): Promise<ImportJobEntity | null> {
    const job = await this.claim(jobId);
    if (!job) return this.dataSource.getRepository(ImportJobEntity).findOneBy({ id: jobId });
    try {
      await this.importRows(job);
    } catch (error) {
      if (error instanceof ImportSupersededError) return this.dataSource.getRepository(ImportJobEntity).findOneBy({ id: jobId });
      if (!(error instanceof ImportFileError)) throw error;
      await this.fail(jobId, error.code, error.message);
      return this.dataSource.getRepository(ImportJobEntity).findOneBy({ id: jobId });
    }
    await this.dataSource.query(
      `UPDATE beneficiary.import_job
          SET status = 'completed', total_rows = processed_rows, stored_path = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'running'`,
      [jobId],
    );
    // The rows are in the registry and the report in the database: the upload is no longer needed.
    if (job.storedPath) await unlink(job.storedPath).catch((error) => this.logger.warn({ err: error, jobId }, 'could not delete an imported upload'));
    return this.dataSource.getRepository(ImportJobEntity).findOneBy({ id: jobId });
  }

  /** Marks a job failed with a reason the officer can read; called when retries are exhausted, too. */
  async fail(jobId: string, code: string, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE beneficiary.import_job SET status = 'failed', error_code = $2, error_message = $3, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [jobId, code, message],
    );
  }

  private async claim(jobId: string): Promise<ImportJobEntity | null> {
    // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], not with the rows.
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH claimed AS (
         UPDATE beneficiary.import_job SET status = 'running', started_at = coalesce(started_at, now()), updated_at = now()
          WHERE id = $1 AND status IN ('queued', 'running') AND stored_path IS NOT NULL RETURNING id)
       SELECT id FROM claimed`,
      [jobId],
    );
    if (rows.length === 0) return null;
    return this.dataSource.getRepository(ImportJobEntity).findOneByOrFail({ id: jobId });
  }

  private source(job: ImportJobEntity): RowSource {
    const storedPath = job.storedPath ?? '';
    return job.format === 'xlsx' ? xlsxRowSource(storedPath) : csvRowSource(storedPath, job.encoding ?? 'utf-8');
  }

  private async importRows(job: ImportJobEntity): Promise<void> {
    const context: RowContext = {
      programmeCode: job.programmeCode,
      provinceCode: job.provinceCode,
      communeCode: job.communeCode,
      today: new Date().toISOString().slice(0, 10),
    };
    const source = this.source(job);
    const resumeAfter = job.lastRowNumber;
    // CCCD → the first row that carried it; rows already committed (on a resume) only refill this.
    const firstRowOf = new Map<string, number>();
    let layout: ColumnLayout | undefined;
    let dataSheet = -1;
    let searchedSheet = -1;
    let searchedRows = 0;
    let batch = new Batch();
    let committed = resumeAfter;
    const writer = new InOrderWriter(this.options.parallelBatches ?? 2);

    let previousCommit: Promise<unknown> = Promise.resolve();

    const flush = async (full: Batch) => {
      const previous = committed;
      committed = full.lastRowNumber || committed;
      const [from, to, bytesRead] = [previous, committed, source.bytesRead()];
      await writer.submit(() => {
        const commit = this.commit(job, full, from, to, bytesRead, previousCommit);
        previousCommit = commit;
        return commit;
      });
    };

    try {
      for await (const row of source.rows()) {
        if (layout === undefined) {
          if (row.sheet !== searchedSheet) [searchedSheet, searchedRows] = [row.sheet, 0];
          if (searchedRows >= HEADER_SEARCH_ROWS || row.cells.every(isBlankCell)) continue;
          searchedRows += 1;
          const header = resolveHeader(row.cells);
          if (header.kind === 'not-header') continue;
          if (header.missing.length > 0) {
            throw new ImportFileError('IMPORT.MISSING_COLUMNS', `Tệp thiếu cột: ${header.missing.map((column) => column.label).join(', ')}. Hãy dùng tệp mẫu.`);
          }
          [layout, dataSheet] = [header.layout, row.sheet];
          continue;
        }
        // One list per file: the sheets after the data sheet (lists, notes) are not read.
        if (row.sheet !== dataSheet) break;
        if (row.cells.every(isBlankCell)) continue;

        if (row.rowNumber <= resumeAfter) {
          const cccd = layout.cccd === undefined ? undefined : parseCccd(row.cells[layout.cccd] ?? null);
          if (cccd && 'value' in cccd && !firstRowOf.has(cccd.value)) firstRowOf.set(cccd.value, row.rowNumber);
          continue;
        }

        const parseStarted = performance.now();
        let outcome = parseRow(row.cells, layout, context);
        const cccd = outcome.kind === 'valid' ? outcome.candidate.cccd : outcome.cccd;
        if (cccd !== null) {
          const firstRow = firstRowOf.get(cccd);
          if (firstRow === undefined) firstRowOf.set(cccd, row.rowNumber);
          else {
            const duplicate = ROW_ISSUES.duplicateInFile(firstRow).issue;
            outcome = { kind: 'invalid', cccd, issues: outcome.kind === 'invalid' ? [...outcome.issues, duplicate] : [duplicate] };
          }
        }

        this.clock('validate', parseStarted);
        batch.rows += 1;
        batch.lastRowNumber = row.rowNumber;
        if (outcome.kind === 'valid') batch.candidates.push(outcome.candidate);
        else {
          batch.invalid += 1;
          for (const found of outcome.issues) batch.issues.push({ ...found, rowNumber: row.rowNumber });
        }
        if (batch.rows >= this.options.batchSize) {
          const waitStarted = performance.now();
          await flush(batch);
          this.clock('waitForWriter', waitStarted);
          batch = new Batch();
        }
      }
    } catch (error) {
      await writer.settle();
      throw toFileError(error);
    }
    if (layout === undefined) {
      await writer.drain();
      throw new ImportFileError('IMPORT.HEADER_NOT_FOUND', 'Không tìm thấy dòng tiêu đề có cột "Họ và tên" và "Số CCCD" trong 20 dòng đầu của tệp. Hãy dùng tệp mẫu.');
    }
    await flush(batch);
    await writer.drain();
  }

  /**
   * One batch, one transaction: registrations + history + events + issues + the job's counters, then
   * the likely-duplicate flags. Batches are written two at a time, yet commit in file order: the heavy
   * inserts run side by side, then a batch waits for the previous one to commit before it moves the
   * job's resume point on from where that one left it. If the previous batch failed, this one rolls back.
   */
  private async commit(job: ImportJobEntity, batch: Batch, previousRow: number, lastRow: number, bytesRead: number, previousCommit: Promise<unknown>): Promise<number> {
    const actor = job.createdBy;
    let bodyDone = 0;
    const inserted = await this.dataSource.transaction(async (manager) => {
      let started = performance.now();
      // A batch transaction takes a fraction of a second; a lock held for longer is a stuck peer (e.g.
      // a second worker on the same job) and this attempt gives up, to be retried and resumed.
      await manager.query(`SET LOCAL lock_timeout = '30s'`);
      const inserted = await this.insertRegistrations(manager, batch.candidates, job.programmeCode, actor);
      started = this.clock('writeRows', started);
      await previousCommit.catch(() => {
        throw new ImportSupersededError();
      });
      // The resume point must be where the previous batch left it, under the row lock. This is also what
      // makes a stalled job re-run by a second worker harmless: whichever commits a batch first moves
      // the resume point, and the other's copy of that batch rolls back.
      // NO KEY UPDATE, like the UPDATE below: it must not wait for the key-share lock that the next
      // batch's issue rows (a foreign key to this job) would take while that batch waits for this one.
      const [current]: Array<{ last_row_number: number; status: string }> = await manager.query(
        `SELECT last_row_number, status FROM beneficiary.import_job WHERE id = $1 FOR NO KEY UPDATE`,
        [job.id],
      );
      if (current?.status !== 'running' || current.last_row_number !== previousRow) throw new ImportSupersededError();
      await manager.query(
        `UPDATE beneficiary.import_job
            SET processed_rows = processed_rows + $2, inserted_rows = inserted_rows + $3, duplicate_rows = duplicate_rows + $4,
                invalid_rows = invalid_rows + $5, last_row_number = $6, bytes_read = $7, updated_at = now()
          WHERE id = $1`,
        [job.id, batch.rows, inserted.length, batch.candidates.length - inserted.length, batch.invalid, lastRow, bytesRead],
      );
      if (batch.issues.length > 0) {
        await manager.query(
          `INSERT INTO beneficiary.import_row_issue (job_id, row_number, column_name, code, message)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
          [job.id, batch.issues.map((i) => i.rowNumber), batch.issues.map((i) => i.column), batch.issues.map((i) => i.code), batch.issues.map((i) => i.message)],
        );
      }
      started = this.clock('jobAndIssues', started);
      // After the wait above, so the previous batch's rows are visible: same folded name, birth date and
      // commune under another CCCD is flagged for an officer, as for a single registration.
      // The registry grows faster during an import than its statistics follow, and on statistics of a
      // smaller table the planner may read the whole registry for every batch; the lookup is one index
      // probe per new row whatever the size, so the planner is told so (for this transaction only).
      await manager.query(`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`);
      await flagLikelyDuplicates(manager, inserted);
      bodyDone = this.clock('likelyDuplicates', started);
      return inserted;
    });
    this.clock('commit', bodyDone);
    return inserted.length;
  }

  /**
   * One statement for the batch: the registrations (arrays through unnest: a dozen parameters whatever
   * the batch size), their first status, and one `registered` event per row really inserted, its
   * envelope built by the database from the row as stored. The first event of each batch is read back
   * and checked against the contract, so an envelope the SQL got wrong fails the batch rather than
   * reaching a consumer.
   */
  private async insertRegistrations(manager: EntityManager, candidates: ImportCandidate[], programmeCode: string, actor: string): Promise<string[]> {
    if (candidates.length === 0) return [];
    const ids = uuidv7Many(candidates.length);
    const eventIds = uuidv7Many(candidates.length);
    const header = this.outbox.envelopeHeader(beneficiaryRegisteredV1);
    const column = <T>(pick: (candidate: ImportCandidate) => T) => candidates.map(pick);
    const inserted: Array<{ id: string; envelope: string | null }> = await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS t (id, event_id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code, category_code)
       ), inserted AS (
         INSERT INTO beneficiary.beneficiary
           (id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code,
            programme_code, category_code, status, registered_by)
         SELECT id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code,
                $13, category_code, 'pending_verification', $14
           FROM input
         ON CONFLICT (cccd, programme_code) DO NOTHING
         RETURNING id, registered_at
       ), history AS (
         INSERT INTO beneficiary.beneficiary_status_change (beneficiary_id, from_status, to_status, reason_code, actor)
         SELECT id, NULL, 'pending_verification', 'IMPORTED', $14 FROM inserted
       ), events AS (
         SELECT input.event_id, inserted.id,
                json_build_object(
                  'eventId', input.event_id, 'type', $16::text, 'version', $17::int, 'occurredAt', $18::text, 'producer', $19::text,
                  'correlationId', $20::text, 'causationId', $21::text, 'aggregateId', inserted.id,
                  'payload', json_build_object(
                    'beneficiaryId', inserted.id, 'cccd', input.cccd, 'fullName', input.full_name, 'dateOfBirth', input.date_of_birth,
                    'gender', input.gender, 'phone', input.phone, 'provinceCode', input.province_code, 'communeCode', input.commune_code,
                    'legacyDistrictCode', input.legacy_district_code, 'programmeCode', $13::text, 'categoryCode', input.category_code,
                    'status', 'pending_verification',
                    'registeredAt', to_char(inserted.registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) AS envelope
           FROM inserted JOIN input USING (id)
       ), outbox AS (
         INSERT INTO "${header.schema}".outbox_event (event_id, topic, message_key, envelope)
         -- in file order (ids are time-ordered), as the relay publishes by outbox id
         SELECT event_id, $15, id::text, envelope FROM events ORDER BY id
       )
       SELECT id, CASE WHEN row_number() OVER () = 1 THEN envelope::text END AS envelope FROM events`,
      [
        ids,
        eventIds,
        column((c) => c.cccd),
        column((c) => c.fullName),
        column((c) => c.dateOfBirth),
        column((c) => c.gender),
        column((c) => c.phone),
        column((c) => c.provinceCode),
        column((c) => c.communeCode),
        column((c) => c.legacyDistrictCode),
        column((c) => c.householdCode),
        column((c) => c.categoryCode),
        programmeCode,
        actor,
        header.topic,
        header.type,
        header.version,
        header.occurredAt,
        header.producer,
        header.correlationId,
        header.causationId,
      ],
    );
    const sample = inserted.find((row) => row.envelope !== null);
    if (sample?.envelope) beneficiaryRegisteredV1.envelope.parse(JSON.parse(sample.envelope));
    return inserted.map((row) => row.id);
  }

  /** Adds the time since `since` to a stage; returns now, the start of the next stage. */
  private clock(stage: ImportStage, since: number): number {
    const now = performance.now();
    this.options.stageClock?.add(stage, now - since);
    return now;
  }
}

/**
 * Time-ordered ids (v7), increasing in file order as uuid's own v7() makes them (same millisecond:
 * the counter goes up by one), with the random bits of a whole batch drawn at once: drawing them id by
 * id was a visible share of an import's CPU.
 */
const v7State = { msecs: -Infinity, seq: 0 };
function uuidv7Many(count: number): string[] {
  const random = randomFillSync(Buffer.allocUnsafe(count * 16));
  return Array.from({ length: count }, (_, index) => {
    const bytes = random.subarray(index * 16, index * 16 + 16);
    const now = Date.now();
    if (now > v7State.msecs) [v7State.msecs, v7State.seq] = [now, ((bytes[6] & 0x7f) << 24) | (bytes[7] << 16) | (bytes[8] << 8) | bytes[9]];
    else if ((v7State.seq = (v7State.seq + 1) | 0) === 0) v7State.msecs += 1;
    return uuidv7({ random: bytes, msecs: v7State.msecs, seq: v7State.seq });
  });
}

/**
 * Runs up to `depth` writes at once and hands their outcomes back oldest first, so the first failure
 * reported is the one that caused the others. Memory stays bounded: a new batch waits for the oldest.
 */
class InOrderWriter {
  private readonly inFlight: Array<Promise<unknown>> = [];

  constructor(private readonly depth: number) {}

  async submit(write: () => Promise<unknown>): Promise<void> {
    if (this.inFlight.length >= this.depth) await this.inFlight.shift();
    const promise = write();
    // Awaited in turn; until then a failure must not count as an unhandled rejection.
    promise.catch(() => undefined);
    this.inFlight.push(promise);
  }

  async drain(): Promise<void> {
    try {
      while (this.inFlight.length > 0) await this.inFlight.shift();
    } catch (error) {
      await this.settle();
      throw error;
    }
  }

  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }
}

/** Parser errors of a malformed file become a reason the officer can act on; anything else stays as it is. */
function toFileError(error: unknown): unknown {
  if (error instanceof ImportFileError || error instanceof ImportSupersededError) return error;
  const code = (error as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('CSV_')) {
    const line = (error as { lines?: number }).lines;
    return new ImportFileError('IMPORT.MALFORMED_CSV', `Tệp CSV bị lỗi cấu trúc${line ? ` gần dòng ${line}` : ''} (ví dụ dấu ngoặc kép không đóng). Hãy mở tệp trong Excel và lưu lại.`);
  }
  if (error instanceof Error && /end of central directory|invalid signature|unexpected end|FILE_ENDED|Corrupted zip/i.test(error.message)) {
    return new ImportFileError('IMPORT.MALFORMED_XLSX', 'Tệp .xlsx bị hỏng hoặc không đọc được. Hãy mở tệp trong Excel và lưu lại.');
  }
  return error;
}

import { unlink } from 'node:fs/promises';
import { beneficiaryRegisteredV1 } from '@app/contracts';
import { OutboxService } from '@app/platform';
import { Logger } from '@nestjs/common';
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
}

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
    const statistics = new StatisticsKeeper(this.dataSource);

    let previousCommit: Promise<unknown> = Promise.resolve();

    const flush = async (full: Batch) => {
      const previous = committed;
      committed = full.lastRowNumber || committed;
      const [from, to, bytesRead] = [previous, committed, source.bytesRead()];
      await writer.submit(() => {
        const commit = this.commit(job, full, from, to, bytesRead, previousCommit);
        previousCommit = commit;
        return commit.then((inserted) => statistics.afterInsert(inserted));
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

        batch.rows += 1;
        batch.lastRowNumber = row.rowNumber;
        if (outcome.kind === 'valid') batch.candidates.push(outcome.candidate);
        else {
          batch.invalid += 1;
          for (const found of outcome.issues) batch.issues.push({ ...found, rowNumber: row.rowNumber });
        }
        if (batch.rows >= this.options.batchSize) {
          await flush(batch);
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
    return this.dataSource.transaction(async (manager) => {
      // A batch transaction takes a fraction of a second; a lock held for longer is a stuck peer (e.g.
      // a second worker on the same job) and this attempt gives up, to be retried and resumed.
      await manager.query(`SET LOCAL lock_timeout = '30s'`);
      const inserted = await this.insertRegistrations(manager, batch.candidates, job.programmeCode, actor);
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
      // After the wait above, so the previous batch's rows are visible: same folded name, birth date and
      // commune under another CCCD is flagged for an officer, as for a single registration.
      await flagLikelyDuplicates(manager, inserted);
      return inserted.length;
    });
  }

  /**
   * One multi-row INSERT for the batch (arrays through unnest: a dozen parameters whatever the batch
   * size), history in the same statement, then the events of the rows that were really inserted.
   */
  private async insertRegistrations(manager: EntityManager, candidates: ImportCandidate[], programmeCode: string, actor: string): Promise<string[]> {
    if (candidates.length === 0) return [];
    const ids = candidates.map(() => uuidv7());
    const column = <T>(pick: (candidate: ImportCandidate) => T) => candidates.map(pick);
    const inserted: Array<{ id: string; registered_at: Date }> = await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
           AS t (id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code, category_code)
       ), inserted AS (
         INSERT INTO beneficiary.beneficiary
           (id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code,
            programme_code, category_code, status, registered_by)
         SELECT id, cccd, full_name, date_of_birth, gender, phone, province_code, commune_code, legacy_district_code, household_code,
                $12, category_code, 'pending_verification', $13
           FROM input
         ON CONFLICT (cccd, programme_code) DO NOTHING
         RETURNING id, registered_at
       ), history AS (
         INSERT INTO beneficiary.beneficiary_status_change (beneficiary_id, from_status, to_status, reason_code, actor)
         SELECT id, NULL, 'pending_verification', 'IMPORTED', $13 FROM inserted
       )
       SELECT id, registered_at FROM inserted`,
      [
        ids,
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
      ],
    );
    if (inserted.length === 0) return [];
    const candidateOf = new Map(ids.map((id, index) => [id, candidates[index]]));
    await this.outbox.addMany(
      manager,
      beneficiaryRegisteredV1,
      inserted.map(({ id, registered_at }) => {
        const candidate = candidateOf.get(id) as ImportCandidate;
        return {
          aggregateId: id,
          payload: {
            beneficiaryId: id,
            cccd: candidate.cccd,
            fullName: candidate.fullName,
            dateOfBirth: candidate.dateOfBirth,
            gender: candidate.gender,
            phone: candidate.phone,
            provinceCode: candidate.provinceCode,
            communeCode: candidate.communeCode,
            legacyDistrictCode: candidate.legacyDistrictCode,
            programmeCode,
            categoryCode: candidate.categoryCode,
            status: 'pending_verification' as const,
            registeredAt: registered_at.toISOString(),
          },
        };
      }),
    );
    return inserted.map((row) => row.id);
  }
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

/**
 * Keeps the planner's picture of the registry current while an import grows it. Autovacuum analyses
 * a table only after a delay, and until then the likely-duplicate check of each batch (a join on the
 * registry) is planned for the table as it was: on a registry that was small it turns into a full
 * scan per batch, and an import of a million rows slows to a crawl. An ANALYZE whenever the import has
 * added a fifth of what the statistics know (at least 5,000 rows) costs a sampled read each time,
 * a handful of times per import.
 */
class StatisticsKeeper {
  private insertedSinceAnalyze = 0;
  private knownRows: number | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async afterInsert(inserted: number): Promise<void> {
    this.insertedSinceAnalyze += inserted;
    if (this.knownRows === undefined) {
      const [{ reltuples }] = await this.dataSource.query(`SELECT reltuples FROM pg_class WHERE oid = 'beneficiary.beneficiary'::regclass`);
      this.knownRows = Math.max(0, Number(reltuples));
    }
    if (this.insertedSinceAnalyze < Math.max(5_000, this.knownRows / 5)) return;
    await this.dataSource.query(`ANALYZE beneficiary.beneficiary`);
    this.knownRows += this.insertedSinceAnalyze;
    this.insertedSinceAnalyze = 0;
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

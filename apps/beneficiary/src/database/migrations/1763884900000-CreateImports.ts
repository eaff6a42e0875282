import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateImports1763884900000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE beneficiary.import_job (
        id               uuid PRIMARY KEY,
        file_sha256      char(64)    NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        file_name        text        NOT NULL,
        file_size        bigint      NOT NULL CHECK (file_size >= 0),
        format           text        NOT NULL CHECK (format IN ('xlsx', 'csv')),
        -- how a CSV's bytes were decoded (detected at upload); null for .xlsx, which is always UTF-8 XML
        encoding         text        CHECK (encoding IN ('utf-8', 'utf-8-bom', 'utf-16le', 'windows-1258')),
        -- where the upload waits for the worker; cleared once the import has finished with it
        stored_path      text,
        programme_code   text        NOT NULL,
        -- the uploader's area: every row must fall inside it, and only people covering it see the job
        province_code    char(2),
        commune_code     char(5),
        status           text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        total_rows       integer,
        processed_rows   integer     NOT NULL DEFAULT 0,
        inserted_rows    integer     NOT NULL DEFAULT 0,
        duplicate_rows   integer     NOT NULL DEFAULT 0,
        invalid_rows     integer     NOT NULL DEFAULT 0,
        -- the spreadsheet row of the last committed batch: a restarted worker resumes after it
        last_row_number  integer     NOT NULL DEFAULT 0,
        bytes_read       bigint      NOT NULL DEFAULT 0,
        error_code       text,
        error_message    text,
        created_by       text        NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        started_at       timestamptz,
        finished_at      timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        -- the same file for the same programme is one import: a re-upload returns the existing job
        CONSTRAINT import_job_file_programme_key UNIQUE (file_sha256, programme_code),
        CONSTRAINT import_job_scope CHECK (commune_code IS NULL OR province_code IS NOT NULL),
        CONSTRAINT import_job_counts CHECK (processed_rows = inserted_rows + duplicate_rows + invalid_rows)
      )`);
    await runner.query(`CREATE INDEX import_job_area_idx ON beneficiary.import_job (province_code, created_at DESC)`);
    await runner.query(`
      CREATE TABLE beneficiary.import_row_issue (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id      uuid    NOT NULL REFERENCES beneficiary.import_job (id) ON DELETE CASCADE,
        row_number  integer NOT NULL CHECK (row_number > 0),
        column_name text,
        code        text    NOT NULL,
        message     text    NOT NULL
      )`);
    await runner.query(`CREATE INDEX import_row_issue_job_idx ON beneficiary.import_row_issue (job_id, row_number, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE beneficiary.import_row_issue`);
    await runner.query(`DROP TABLE beneficiary.import_job`);
  }
}

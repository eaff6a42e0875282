import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { inspectImportFile } from './import-file';
import { ImportJobEntity } from './import-job.entity';
import { ImportErrors } from './import.errors';

export interface ImportUpload {
  /** Where the upload was written (inside uploadDir, so moving it is a rename). */
  tempPath: string;
  originalName: string;
  programmeCode: string;
  uploadDir: string;
  provinceCode: string | null;
  communeCode: string | null;
  createdBy: string;
  /** Throws when the caller may not see an existing job for the same file. */
  authorize: (job: ImportJobEntity) => void;
}

export interface ImportRegistration {
  job: ImportJobEntity;
  created: boolean;
  /** True when the job has to be (re)queued: a new job, or a failed one whose file was uploaded again. */
  enqueue: boolean;
}

/**
 * Turns an upload into an import job, or finds the job this file already has: one job per (file
 * content, programme), decided by the database's unique key, so two officers uploading the same list
 * at the same moment still get one import. Re-uploading a file whose import failed requeues it; the
 * worker resumes after the last committed batch.
 */
export async function registerImportFile(dataSource: DataSource, upload: ImportUpload): Promise<ImportRegistration> {
  const inspection = await inspectImportFile(upload.tempPath, upload.originalName);
  if ('unsupported' in inspection) {
    await unlink(upload.tempPath).catch(() => undefined);
    throw ImportErrors.unsupportedFile(inspection.unsupported);
  }
  const id = uuidv7();
  const storedPath = path.join(upload.uploadDir, `${id}.${inspection.format}`);
  await rename(upload.tempPath, storedPath);

  const repository = dataSource.getRepository(ImportJobEntity);
  const inserted: Array<{ id: string }> = await dataSource.query(
    `INSERT INTO beneficiary.import_job
       (id, file_sha256, file_name, file_size, format, encoding, stored_path, programme_code, province_code, commune_code, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT ON CONSTRAINT import_job_file_programme_key DO NOTHING
     RETURNING id`,
    [
      id,
      inspection.sha256,
      upload.originalName.normalize('NFC').slice(0, 255),
      inspection.size,
      inspection.format,
      inspection.encoding,
      storedPath,
      upload.programmeCode,
      upload.provinceCode,
      upload.communeCode,
      upload.createdBy,
    ],
  );
  if (inserted.length === 1) return { job: await repository.findOneByOrFail({ id }), created: true, enqueue: true };

  const existing = await repository.findOneByOrFail({ fileSha256: inspection.sha256, programmeCode: upload.programmeCode });
  try {
    upload.authorize(existing);
  } catch (error) {
    await unlink(storedPath).catch(() => undefined);
    throw error;
  }
  if (existing.status === 'failed') {
    // In a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count], not with the rows.
    const requeued: Array<{ id: string }> = await dataSource.query(
      `WITH requeued AS (
         UPDATE beneficiary.import_job
            SET status = 'queued', stored_path = $2, error_code = NULL, error_message = NULL, finished_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'failed' RETURNING id)
       SELECT id FROM requeued`,
      [existing.id, storedPath],
    );
    if (requeued.length === 1) {
      // The earlier copy of the same bytes, if it is still there, is no longer referenced.
      if (existing.storedPath && existing.storedPath !== storedPath) await unlink(existing.storedPath).catch(() => undefined);
      return { job: await repository.findOneByOrFail({ id: existing.id }), created: false, enqueue: true };
    }
  }
  await unlink(storedPath).catch(() => undefined);
  return { job: existing, created: false, enqueue: false };
}

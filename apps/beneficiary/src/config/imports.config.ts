import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Bulk import of officers' lists (see src/imports): where uploads wait, how large they may be, batch size. */
export const importsConfigShape = {
  // Uploads wait here for the worker; in production a persistent volume shared by every instance.
  IMPORT_UPLOAD_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'ansinh-imports')),
  // 256 MiB: a 1,000,000-row list is about 85 MB, as CSV or as .xlsx.
  IMPORT_MAX_FILE_BYTES: z.coerce.number().int().min(1_024).max(2 ** 31).default(256 * 1024 * 1024),
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(1_000),
};

export type ImportsConfig = z.infer<z.ZodObject<typeof importsConfigShape>>;

// Persisted in Redis: DO NOT CHANGE THE VALUES, or queued imports are orphaned.
export const IMPORT_QUEUE = 'beneficiary-import';
export const IMPORT_JOB_NAME = 'import-file';

export interface ImportQueueData {
  importJobId: string;
}

import { runInJobContext, type TracedJobData } from '@app/platform';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { IMPORT_QUEUE, type ImportQueueData } from './import-queue';
import { ImportRunner } from './import-runner';

/**
 * One import at a time per instance: an import is long and keeps PostgreSQL busy, and running two
 * side by side would only make both slower. BullMQ renews the job's lock while it runs; a worker
 * that dies leaves the job stalled, it is picked up again and resumes after the last committed batch.
 */
@Processor(IMPORT_QUEUE, { concurrency: 1, lockDuration: 60_000 })
export class ImportProcessor extends WorkerHost {
  constructor(private readonly runner: ImportRunner) {
    super();
  }

  process(job: Job<ImportQueueData & Partial<TracedJobData>>): Promise<unknown> {
    return runInJobContext(job, async () => {
      try {
        const result = await this.runner.run(job.data.importJobId);
        return result && { status: result.status, processedRows: result.processedRows, insertedRows: result.insertedRows };
      } catch (error) {
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await this.runner.fail(
            job.data.importJobId,
            'IMPORT.INTERRUPTED',
            'Lần nhập bị gián đoạn do lỗi hệ thống. Các dòng đã nhập được giữ nguyên; hãy tải lại cùng tệp để tiếp tục từ chỗ đã dừng.',
          );
        }
        throw error;
      }
    });
  }
}

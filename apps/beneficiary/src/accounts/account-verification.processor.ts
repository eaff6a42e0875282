import { runInJobContext, scheduleEvery, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { BeneficiaryConfig } from '../config/beneficiary.config';
import { ACCOUNT_QUEUE, AccountJob, type NameEnquiryJobData } from './account-queue';
import { AccountVerificationService } from './account-verification.service';

@Processor(ACCOUNT_QUEUE, { concurrency: 8 })
export class AccountVerificationProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly verification: AccountVerificationService,
    @InjectQueue(ACCOUNT_QUEUE) private readonly queue: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: BeneficiaryConfig,
  ) {
    super();
  }

  /** Job schedulers survive restarts in Redis; upserting at boot keeps the interval current. */
  async onApplicationBootstrap(): Promise<void> {
    await scheduleEvery(this.queue, AccountJob.Sweep, this.config.ACCOUNT_VERIFICATION_SWEEP_INTERVAL_MS, AccountJob.Sweep);
  }

  process(job: Job<Partial<NameEnquiryJobData> & { correlationId?: string }>): Promise<unknown> {
    return runInJobContext(job, async () => {
      switch (job.name) {
        case AccountJob.NameEnquiry:
          try {
            return await this.verification.verify(job.data.accountId!);
          } catch (error) {
            if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.verification.recordEnquiryFailure(job.data.accountId!, (error as Error).message);
            throw error;
          }
        case AccountJob.Sweep:
          return this.verification.sweep();
        default:
          throw new Error(`unknown job ${job.name}`);
      }
    });
  }
}

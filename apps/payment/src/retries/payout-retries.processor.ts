import { runInJobContext, scheduleEvery, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { PaymentConfig } from '../config/payment.config';
import { PAYOUT_RETRY_QUEUE, RESEND_JOB, SWEEP_JOB, SWEEP_SCHEDULER_ID } from './payout-retry.queue';
import { PayoutRetriesService } from './payout-retries.service';

@Processor(PAYOUT_RETRY_QUEUE, { concurrency: 8 })
export class PayoutRetriesProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly retries: PayoutRetriesService,
    @InjectQueue(PAYOUT_RETRY_QUEUE) private readonly queue: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await scheduleEvery(this.queue, SWEEP_SCHEDULER_ID, this.config.PAYOUT_SWEEP_INTERVAL_MS, SWEEP_JOB);
  }

  process(job: Job<{ instructionId?: string; afterSend?: number; correlationId?: string }>): Promise<unknown> {
    return runInJobContext(job, async () => {
      switch (job.name) {
        case RESEND_JOB:
          // a job queued before jobs carried their send number is left to the sweep, which knows it
          return job.data.afterSend === undefined ? 'nothing-to-do' : this.retries.resend(job.data.instructionId!, job.data.afterSend);
        case SWEEP_JOB:
          return this.retries.sweep();
        default:
          throw new Error(`unknown job ${job.name}`);
      }
    });
  }
}

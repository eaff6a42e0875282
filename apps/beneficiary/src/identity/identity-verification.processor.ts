import { runInJobContext, scheduleEvery, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { BeneficiaryConfig } from '../config/beneficiary.config';
import { IDENTITY_QUEUE, IdentityJob } from './identity-queue';
import { IdentityVerificationService } from './identity-verification.service';

@Processor(IDENTITY_QUEUE, { concurrency: 8 })
export class IdentityVerificationProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly identity: IdentityVerificationService,
    @InjectQueue(IDENTITY_QUEUE) private readonly queue: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: BeneficiaryConfig,
  ) {
    super();
  }

  /** Job schedulers survive restarts in Redis; upserting them at boot keeps their intervals current. */
  async onApplicationBootstrap(): Promise<void> {
    await scheduleEvery(this.queue, IdentityJob.Sweep, this.config.IDENTITY_SWEEP_INTERVAL_MS, IdentityJob.Sweep);
    await scheduleEvery(this.queue, IdentityJob.DeathFeed, this.config.DEATH_FEED_INTERVAL_MS, IdentityJob.DeathFeed);
  }

  process(job: Job<{ beneficiaryId?: string; correlationId?: string }>): Promise<unknown> {
    return runInJobContext(job, async () => {
      switch (job.name) {
        case IdentityJob.Verify:
          return this.identity.verify(job.data.beneficiaryId!);
        case IdentityJob.Sweep:
          return this.identity.sweep();
        case IdentityJob.DeathFeed:
          return this.identity.followDeathFeed();
        default:
          throw new Error(`unknown job ${job.name}`);
      }
    });
  }
}

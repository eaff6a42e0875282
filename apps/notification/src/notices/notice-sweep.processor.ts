import { runInJobContext, scheduleEvery, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { NotificationConfig } from '../config/notification.config';
import { NoticeDispatchService } from './notice-dispatch.service';
import { MAINTENANCE_QUEUE, NoticeJob } from './notice-queue';

@Processor(MAINTENANCE_QUEUE)
export class NoticeSweepProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly dispatch: NoticeDispatchService,
    @InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
  ) {
    super();
  }

  /** Job schedulers survive restarts in Redis; upserting at boot keeps the interval current. */
  async onApplicationBootstrap(): Promise<void> {
    await scheduleEvery(this.queue, NoticeJob.Sweep, this.config.NOTICE_SWEEP_INTERVAL_MS, NoticeJob.Sweep);
  }

  process(job: Job): Promise<{ resumed: number; requeued: number }> {
    return runInJobContext(job, async () => {
      if (job.name !== NoticeJob.Sweep) throw new Error(`unknown job ${job.name}`);
      return { resumed: await this.dispatch.resumeWaiting(), requeued: await this.dispatch.requeueStalled() };
    });
  }
}

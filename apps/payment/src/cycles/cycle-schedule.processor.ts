import { runInJobContext, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { PaymentConfig } from '../config/payment.config';
import { vietnamDate } from '../dispatch/instruction-dispatcher.service';
import { CYCLE_SCHEDULE_QUEUE, CYCLE_SCHEDULER_ID, GENERATE_MONTHLY_JOB } from './cycle-schedule.queue';
import { PayoutCyclesService } from './payout-cycles.service';

@Processor(CYCLE_SCHEDULE_QUEUE, { concurrency: 1 })
export class CycleScheduleProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(CycleScheduleProcessor.name);

  constructor(
    private readonly cycles: PayoutCyclesService,
    @InjectQueue(CYCLE_SCHEDULE_QUEUE) private readonly queue: Queue,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
  ) {
    super();
  }

  /** The scheduler lives in Redis: upserting it at boot keeps one schedule however many instances start. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.CYCLE_SCHEDULE_ENABLED) {
      await this.queue.removeJobScheduler(CYCLE_SCHEDULER_ID);
      return;
    }
    await this.queue.upsertJobScheduler(CYCLE_SCHEDULER_ID, { pattern: this.config.CYCLE_SCHEDULE_CRON, tz: 'Asia/Ho_Chi_Minh' }, { name: GENERATE_MONTHLY_JOB });
  }

  process(job: Job<{ period?: string; correlationId?: string }>): Promise<unknown> {
    return runInJobContext(job, async () => {
      if (job.name !== GENERATE_MONTHLY_JOB) throw new Error(`unknown job ${job.name}`);
      // the month the job was due in, so a job retried after midnight on the 1st still opens the right month
      const period = job.data.period ?? vietnamDate(new Date(job.timestamp)).slice(0, 7);
      const result = await this.cycles.generateForAllAreas(period);
      this.logger.log({ period, ...result }, 'monthly cycles generated');
      return result;
    });
  }
}

import { RedisService, runInJobContext, SERVICE_CONFIG } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { NotificationConfig } from '../config/notification.config';
import { NOTICE_CHANNELS, type NoticeChannel } from '../recipients/contact-plan';
import { NoticeDeliveryService } from './notice-delivery.service';
import { DELIVERY_QUEUES, NoticeJob, type DeliverJobData } from './notice-queue';

/**
 * One BullMQ worker per provider queue. Built here rather than with @Processor because their limits
 * (rate, concurrency, lock) come from the configuration, and @Processor takes worker options only as
 * constant decorator arguments.
 */
@Injectable()
export class NoticeDeliveryProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NoticeDeliveryProcessor.name);
  private readonly workers: Worker<DeliverJobData>[] = [];
  private readonly queues: Readonly<Record<NoticeChannel, Queue<DeliverJobData>>>;

  constructor(
    private readonly delivery: NoticeDeliveryService,
    private readonly redis: RedisService,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @InjectQueue(DELIVERY_QUEUES.sms) sms: Queue<DeliverJobData>,
    @InjectQueue(DELIVERY_QUEUES.zalo) zalo: Queue<DeliverJobData>,
    @InjectQueue(DELIVERY_QUEUES.email) email: Queue<DeliverJobData>,
  ) {
    this.queues = { sms, zalo, email };
  }

  onApplicationBootstrap(): void {
    if (this.workers.length) return;
    const rates: Record<NoticeChannel, number> = { sms: this.config.SMS_RATE_PER_SECOND, zalo: this.config.ZALO_RATE_PER_SECOND, email: this.config.EMAIL_RATE_PER_SECOND };
    for (const channel of NOTICE_CHANNELS) {
      const worker = new Worker<DeliverJobData>(DELIVERY_QUEUES[channel], (job, token) => this.process(channel, job, token), {
        connection: this.redis.client,
        prefix: this.config.QUEUE_PREFIX,
        // SMTP calls wait for one of the pool's connections: more jobs than connections would only
        // queue inside nodemailer, where the lease on the notice keeps running out.
        concurrency: channel === 'email' ? this.config.EMAIL_MAX_CONNECTIONS : this.config.NOTICE_DELIVERY_CONCURRENCY,
        limiter: { max: rates[channel], duration: 1_000 },
        lockDuration: this.config.NOTICE_LOCK_DURATION_MS,
        stalledInterval: this.config.NOTICE_LOCK_DURATION_MS,
      });
      worker.on('error', (error) => this.logger.error({ err: error, channel }, 'delivery worker error'));
      this.workers.push(worker);
    }
  }

  private process(channel: NoticeChannel, job: Job<DeliverJobData>, token?: string): Promise<string> {
    return runInJobContext(job, async () => {
      if (job.name !== NoticeJob.Deliver) throw new UnrecoverableError(`unknown job ${job.name}`);
      const result = await this.delivery.deliver(job.data.noticeId, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 });
      switch (result.kind) {
        case 'done':
          return result.outcome;
        case 'wait':
          await job.moveToDelayed(result.until, token);
          throw new DelayedError();
        case 'rate_limited':
          // the whole queue pauses: every job on it would get the same answer from this provider
          await this.queues[channel].rateLimit(result.forMs);
          throw Worker.RateLimitError();
        case 'retry':
          throw new Error(result.reason);
        case 'failed':
          // recorded and fallen back already; failing the job shows it in the dashboard's failed list
          throw new UnrecoverableError(result.reason);
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
  }
}

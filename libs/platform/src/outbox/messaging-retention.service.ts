import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { SERVICE_CONFIG, type PlatformConfig } from '../config/platform-config';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../kafka/messaging-options';
import { pruneMessaging } from './messaging-retention';

const pruned = new Counter({ name: 'ansinh_messaging_pruned_total', help: 'Outbox and inbox rows deleted past their retention', labelNames: ['table'] });
const DAY_MS = 86_400_000;
const PRUNE_BATCH = 10_000;

/**
 * Keeps the outbox and the inbox from growing without end (a month of national cycles would add tens
 * of gigabytes): every MESSAGING_PRUNE_INTERVAL_MS, rows older than MESSAGING_RETENTION_DAYS go. The
 * payout history, the audit trail and the ledgers are never touched; they are the record.
 */
@Injectable()
export class MessagingRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MessagingRetentionService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(SERVICE_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune(new Date())
        .catch((error) => this.logger.warn({ err: error }, 'messaging retention could not prune; will try at the next interval'))
        .finally(() => (this.running = undefined));
    }, this.config.MESSAGING_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes what is past retention at `now`. Exposed for tests. */
  async prune(now: Date): Promise<{ outbox: number; inbox: number }> {
    const before = new Date(now.getTime() - this.config.MESSAGING_RETENTION_DAYS * DAY_MS);
    const counts = await pruneMessaging((sql, parameters) => this.dataSource.query(sql, parameters), this.options.schema, before, PRUNE_BATCH);
    pruned.inc({ table: 'outbox_event' }, counts.outbox);
    pruned.inc({ table: 'inbox_event' }, counts.inbox);
    if (counts.outbox + counts.inbox > 0) this.logger.log({ ...counts, before }, 'messaging rows pruned');
    return counts;
  }
}

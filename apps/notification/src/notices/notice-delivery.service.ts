import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { noAnswer, type ProviderAnswer } from '../channels/notice-provider';
import { NoticeProviders } from '../channels/notice-providers';
import type { NotificationConfig } from '../config/notification.config';
import type { NoticeChannel } from '../recipients/contact-plan';
import { NoticeDispatchService, type QueuedNotice } from './notice-dispatch.service';

/** What the worker does with the job after one delivery attempt. */
export type DeliveryResult =
  | { kind: 'done'; outcome: 'sent' | 'already_final' | 'superseded' }
  | { kind: 'wait'; until: number }
  | { kind: 'rate_limited'; forMs: number }
  | { kind: 'retry'; reason: string }
  | { kind: 'failed'; reason: string };

interface ClaimedNotice {
  id: string;
  request_id: string;
  channel: NoticeChannel;
  address: string;
  subject: string | null;
  body: string;
  attempt_count: number;
}

interface AttemptRecord {
  notice: ClaimedNotice;
  provider: string;
  answer: ProviderAnswer;
  startedAt: Date;
  finishedAt: Date;
}

const ATTEMPT_COLUMNS =
  '(notice_id, attempt_number, channel, provider, outcome, provider_status, provider_code, provider_message_id, detail, started_at, finished_at)';
const ATTEMPT_VALUES = '($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';
const ATTEMPT_OUTCOMES = { accepted: 'accepted', retryable: 'retryable_error', rate_limited: 'rate_limited', terminal: 'terminal_error' } as const;

function attemptParameters({ notice, provider, answer, startedAt, finishedAt }: AttemptRecord): unknown[] {
  return [
    notice.id,
    notice.attempt_count,
    notice.channel,
    provider,
    ATTEMPT_OUTCOMES[answer.outcome],
    answer.providerStatus,
    answer.providerCode,
    answer.providerMessageId,
    answer.detail,
    startedAt,
    finishedAt,
  ];
}

const LEASE_MARGIN_MS = 5_000;
// Rate-limit answers do not use up attempts; past this many calls in all, the channel is given up anyway.
const CALLS_PER_ATTEMPT_LIMIT = 4;

const attempts = new Counter({ name: 'ansinh_notice_delivery_attempts_total', help: 'Calls to messaging providers, by channel and outcome', labelNames: ['channel', 'outcome'] });

/**
 * Sends one notice once. A lease on the row makes one worker its owner, so a job that BullMQ runs again
 * after a stall waits for the first run instead of racing it; the provider de-duplicates on the notice
 * id, so a run that died after the provider took the message does not make a second one.
 */
@Injectable()
export class NoticeDeliveryService {
  private readonly logger = new Logger(NoticeDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: NoticeProviders,
    private readonly dispatch: NoticeDispatchService,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
  ) {}

  async deliver(noticeId: string, attempt: { number: number; max: number }): Promise<DeliveryResult> {
    const notice = await this.claim(noticeId);
    if (!notice) return this.unclaimable(noticeId);

    const provider = this.providers.for(notice.channel);
    const startedAt = new Date();
    const answer: ProviderAnswer = await provider
      .send({ noticeId: notice.id, to: notice.address, subject: notice.subject, text: notice.body })
      .catch((error: unknown) => noAnswer(error));
    const finishedAt = new Date();
    attempts.inc({ channel: notice.channel, outcome: answer.outcome });
    const reason = `${provider.name} ${answer.outcome}: ${answer.providerCode ?? answer.providerStatus ?? 'no answer'}`;
    const outOfCalls = notice.attempt_count >= this.config.NOTICE_MAX_ATTEMPTS * CALLS_PER_ATTEMPT_LIMIT;

    const record: AttemptRecord = { notice, provider: provider.name, answer, startedAt, finishedAt };

    // The common case in one statement (autocommitted, so atomic): each round trip to the database
    // costs more than the rest of the bookkeeping together.
    if (answer.outcome === 'accepted') return this.markSent(record);
    const outcome = answer.outcome;

    const { result, fallback } = await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO notification.notice_delivery_attempt ${ATTEMPT_COLUMNS} VALUES ${ATTEMPT_VALUES}`, attemptParameters(record));
      switch (outcome) {
        case 'rate_limited':
          if (!outOfCalls) return { result: await this.markWaiting(manager, notice, { kind: 'rate_limited', forMs: answer.retryAfterMs ?? 1_000 }), fallback: [] };
          return this.markFailed(manager, notice, answer, reason);
        case 'retryable':
          if (attempt.number < attempt.max && !outOfCalls) return { result: await this.markWaiting(manager, notice, { kind: 'retry', reason }), fallback: [] };
          return this.markFailed(manager, notice, answer, reason);
        case 'terminal':
          return this.markFailed(manager, notice, answer, reason);
      }
    });
    // Queued after commit; if this fails the sweeper finds the fallback notice unqueued and queues it.
    await this.dispatch.enqueue(fallback).catch((error: unknown) => this.logger.warn({ err: error, noticeId }, 'fallback notice not queued; the sweeper will'));
    return result;
  }

  private async claim(noticeId: string): Promise<ClaimedNotice | undefined> {
    const [rows]: [ClaimedNotice[]] = await this.dataSource.query(
      `UPDATE notification.notice
          SET status = 'sending', attempt_count = attempt_count + 1, lease_until = now() + $2 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND (status IN ('queued', 'retry_wait') OR (status = 'sending' AND lease_until < now()))
        RETURNING id, request_id, channel, address, subject, body, attempt_count`,
      [noticeId, this.config.PROVIDER_TIMEOUT_MS + LEASE_MARGIN_MS],
    );
    return rows[0];
  }

  private async unclaimable(noticeId: string): Promise<DeliveryResult> {
    const [row]: Array<{ status: string; lease_until: Date | null }> = await this.dataSource.query(`SELECT status, lease_until FROM notification.notice WHERE id = $1`, [noticeId]);
    if (!row) throw new Error(`notice ${noticeId} does not exist`);
    if (row.status === 'sent' || row.status === 'failed') return { kind: 'done', outcome: 'already_final' };
    // Another run owns it (this job ran again after a stall while the first run is still sending).
    return { kind: 'wait', until: (row.lease_until?.getTime() ?? Date.now()) + 100 };
  }

  // Every state change below is conditional on the claim being still ours (status and attempt count
  // unchanged): a run whose lease expired and was taken over records its attempt and changes nothing.

  private async markSent(record: AttemptRecord): Promise<DeliveryResult> {
    const { notice } = record;
    const [row]: Array<{ sent: number }> = await this.dataSource.query(
      `WITH attempt AS (
         INSERT INTO notification.notice_delivery_attempt ${ATTEMPT_COLUMNS} VALUES ${ATTEMPT_VALUES}
       ), sent AS (
         UPDATE notification.notice SET status = 'sent', sent_at = now(), provider_message_id = $8, lease_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'sending' AND attempt_count = $2 RETURNING id
       ), delivered AS (
         -- the provider took the message, so the request is delivered even if another run now owns the notice
         UPDATE notification.notice_request SET status = 'delivered', updated_at = now() WHERE id = $12 AND status <> 'delivered'
       )
       SELECT count(*)::int AS sent FROM sent`,
      [...attemptParameters(record), notice.request_id],
    );
    return { kind: 'done', outcome: row.sent ? 'sent' : 'superseded' };
  }

  private async markWaiting<TResult extends DeliveryResult>(manager: EntityManager, notice: ClaimedNotice, result: TResult): Promise<DeliveryResult> {
    const [updated]: [unknown[]] = await manager.query(
      `UPDATE notification.notice SET status = 'retry_wait', lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempt_count = $2 RETURNING id`,
      [notice.id, notice.attempt_count],
    );
    return updated.length ? result : { kind: 'done', outcome: 'superseded' };
  }

  private async markFailed(manager: EntityManager, notice: ClaimedNotice, answer: ProviderAnswer, reason: string): Promise<{ result: DeliveryResult; fallback: QueuedNotice[] }> {
    const [updated]: [unknown[]] = await manager.query(
      `UPDATE notification.notice SET status = 'failed', failure_code = $3, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempt_count = $2 RETURNING id`,
      [notice.id, notice.attempt_count, answer.providerCode ?? answer.providerStatus ?? 'NO_ANSWER'],
    );
    if (!updated.length) return { result: { kind: 'done', outcome: 'superseded' }, fallback: [] };
    this.logger.warn({ noticeId: notice.id, channel: notice.channel, outcome: answer.outcome, providerCode: answer.providerCode }, 'notice failed on its channel; falling back');
    return { result: { kind: 'failed', reason }, fallback: await this.dispatch.fallBack(manager, notice.request_id) };
  }
}

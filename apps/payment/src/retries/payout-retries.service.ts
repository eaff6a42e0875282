import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PayoutOutcomesService } from '../bank-results/payout-outcomes.service';
import type { PaymentConfig } from '../config/payment.config';
import { InstructionDispatcherService } from '../dispatch/instruction-dispatcher.service';
import { ATTEMPT_SELECT, type AttemptRow } from '../payouts/payout-events';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import { CASH_NOT_REPORTED, cashReportCutoff } from './cash-collection';
import { resendDelayMs } from './payout-retry.queue';

const SWEEP_PAGE = 500;
const RETRY_ACTOR = 'system:retry';

/**
 * Sends again what needs sending again, always under the same instruction id: a resend after a
 * technical failure (a delayed BullMQ job), and a resend when the institution has not answered in
 * time. The sweep sends itself any resend that is overdue, so none is forgotten: its job may have been
 * lost (Redis flushed), or may have run and found nothing to do (before the failure committed, or
 * while PostgreSQL was down), and BullMQ keeps a finished job's id, so a re-queue would add nothing.
 */
@Injectable()
export class PayoutRetriesService {
  private readonly logger = new Logger(PayoutRetriesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    private readonly dispatcher: InstructionDispatcherService,
    private readonly outcomes: PayoutOutcomesService,
    private readonly ledger: PayoutLedgerService,
  ) {}

  /**
   * Sends again an attempt that waits after send number `afterSend`. A job that comes late, once the
   * attempt has been sent again or has ended, does nothing: it would otherwise cut a later backoff short.
   */
  async resend(instructionId: string, afterSend: number): Promise<'resent' | 'nothing-to-do'> {
    return this.dataSource.transaction(async (manager) => {
      const [attempt] = await manager.query(`SELECT status, send_count FROM payment.payout_attempt WHERE instruction_id = $1 FOR UPDATE`, [instructionId]);
      if (attempt?.status !== 'retry_wait' || attempt.send_count !== afterSend) return 'nothing-to-do';
      await this.dispatcher.send(manager, [instructionId], RETRY_ACTOR);
      return 'resent';
    });
  }

  async sweep(): Promise<{ approvedSent: number; overdueResent: number; resent: number; unanswered: number; cashHeld: number }> {
    const now = Date.now();
    const approvedSent = await this.sendInterruptedApprovals(new Date(now - this.config.PAYOUT_SWEEP_INTERVAL_MS));
    const waiting: Array<{ instruction_id: string; send_count: number; last_sent_at: Date }> = await this.dataSource.query(
      `SELECT instruction_id, send_count, last_sent_at FROM payment.payout_attempt WHERE status = 'retry_wait' ORDER BY last_sent_at LIMIT 5000`,
    );
    let overdueResent = 0;
    for (const attempt of waiting) {
      const due = attempt.last_sent_at.getTime() + resendDelayMs(attempt.send_count, this.config.PAYOUT_RETRY_BASE_MS, this.config.PAYOUT_RETRY_CAP_MS);
      // a sweep interval of grace leaves a job that is merely busy its own work; if both run, the row lock and the send number keep it to one send
      if (due + this.config.PAYOUT_SWEEP_INTERVAL_MS > now) continue;
      if ((await this.resend(attempt.instruction_id, attempt.send_count)) === 'resent') overdueResent += 1;
    }

    let resent = 0;
    let unanswered = 0;
    const cutoff = new Date(now - this.config.PAYOUT_RESULT_TIMEOUT_MS);
    for (;;) {
      const outcome = await this.dataSource.transaction(async (manager) => {
        const stale: AttemptRow[] = await manager.query(
          // accepted cash is waiting for the person at the post office, not for an answer (cash-collection.ts)
          `${ATTEMPT_SELECT} WHERE a.status IN ('sent', 'accepted') AND NOT (a.channel = 'cash' AND a.status = 'accepted') AND a.last_sent_at < $1
            ORDER BY a.last_sent_at LIMIT ${SWEEP_PAGE} FOR UPDATE OF a SKIP LOCKED`,
          [cutoff],
        );
        const again = stale.filter((attempt) => attempt.send_count < this.config.PAYOUT_MAX_SENDS);
        const givenUp = stale.filter((attempt) => attempt.send_count >= this.config.PAYOUT_MAX_SENDS);
        await this.ledger.lock(manager, stale.map((attempt) => attempt.entitlement_id));
        await this.dispatcher.send(manager, again.map((attempt) => attempt.instruction_id), RETRY_ACTOR);
        for (const attempt of givenUp) await this.outcomes.fail(manager, attempt, 'TIMEOUT', RETRY_ACTOR);
        return { found: stale.length, again: again.length, givenUp: givenUp.length };
      });
      resent += outcome.again;
      unanswered += outcome.givenUp;
      if (outcome.found < SWEEP_PAGE) break;
    }
    const cashHeld = await this.holdUnreportedCash(new Date(now));
    if (approvedSent + overdueResent + resent + unanswered + cashHeld > 0) this.logger.log({ approvedSent, overdueResent, resent, unanswered, cashHeld }, 'payout sweep');
    return { approvedSent, overdueResent, resent, unanswered, cashHeld };
  }

  /**
   * Batches approved before `approvedBefore` whose sending never finished (the approving process
   * died between the decision and the last chunk): their lines are approved, so they are sent.
   * The cut-off leaves a running approval its own work; if both run, SKIP LOCKED keeps them apart.
   */
  private async sendInterruptedApprovals(approvedBefore: Date): Promise<number> {
    const batches: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM payment.payout_batch WHERE status = 'dispatched' AND dispatch_completed_at IS NULL AND approved_at < $1 ORDER BY approved_at`,
      [approvedBefore],
    );
    let sent = 0;
    for (const batch of batches) sent += await this.dispatcher.sendApprovedLines(batch.id, RETRY_ACTOR);
    return sent;
  }

  /** Cash accepted so long ago that the collection window and the grace for the final report are over. */
  private async holdUnreportedCash(now: Date): Promise<number> {
    const cutoff = cashReportCutoff(now, this.config.CASH_COLLECTION_DAYS, this.config.CASH_REPORT_GRACE_HOURS);
    let held = 0;
    for (;;) {
      const found = await this.dataSource.transaction(async (manager) => {
        const overdue: AttemptRow[] = await manager.query(
          `${ATTEMPT_SELECT} WHERE a.status = 'accepted' AND a.channel = 'cash' AND coalesce(a.accepted_at, a.last_sent_at) < $1
            ORDER BY a.accepted_at LIMIT ${SWEEP_PAGE} FOR UPDATE OF a SKIP LOCKED`,
          [cutoff],
        );
        await this.ledger.lock(manager, overdue.map((attempt) => attempt.entitlement_id));
        for (const attempt of overdue) await this.outcomes.holdUnreportedCash(manager, attempt, CASH_NOT_REPORTED, RETRY_ACTOR);
        return overdue.length;
      });
      held += found;
      if (found < SWEEP_PAGE) return held;
    }
  }
}

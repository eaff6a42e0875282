import { OutboxService, SERVICE_CONFIG } from '@app/platform';
import { payoutFailedV1, payoutHeldV1, payoutSettledV1 } from '@app/contracts';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { PaymentConfig } from '../config/payment.config';
import { InstructionDispatcherService } from '../dispatch/instruction-dispatcher.service';
import { nextRoute, type PayeeAccountRow } from '../payouts/channel-routing';
import { failedEvent, heldEvent, settledEvent, type AttemptRow } from '../payouts/payout-events';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import { instructionIdFor } from '../payouts/payout-state';
import { PAYOUT_RETRY_QUEUE, RESEND_JOB, resendDelayMs, resendJobId } from '../retries/payout-retry.queue';
import { decideAfterFailure, type FailureCode } from './reason-policy';

/**
 * What happens to an entitlement when its attempt ends: paid, retried with the same instruction id,
 * moved to the next channel (finally cash), or held for an officer. Runs in the caller's transaction
 * with the attempt and the entitlement locked.
 */
@Injectable()
export class PayoutOutcomesService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: PaymentConfig,
    private readonly ledger: PayoutLedgerService,
    private readonly outbox: OutboxService,
    private readonly dispatcher: InstructionDispatcherService,
    @InjectQueue(PAYOUT_RETRY_QUEUE) private readonly retries: Queue,
  ) {}

  async settle(manager: EntityManager, attempt: AttemptRow, bankReference: string | null, actor: string): Promise<void> {
    const now = new Date();
    await manager.query(`UPDATE payment.payout_attempt SET status = 'settled', resolved_at = $2, bank_reference = $3 WHERE instruction_id = $1`, [
      attempt.instruction_id,
      now,
      bankReference,
    ]);
    await this.ledger.apply(manager, [
      { entitlementId: attempt.entitlement_id, kind: 'settled', toStatus: 'paid', paidChannel: attempt.channel, instructionId: attempt.instruction_id, actor, detail: { bankReference } },
    ]);
    await this.outbox.add(manager, payoutSettledV1, attempt.entitlement_id, settledEvent(attempt, bankReference, now));
  }

  /** `settle` for many attempts at once, their rows and entitlements already locked (`heads`). */
  async settleMany(
    manager: EntityManager,
    settlements: Array<{ attempt: AttemptRow; bankReference: string | null; cause: { correlationId: string; eventId: string } }>,
    actor: string,
    heads: Awaited<ReturnType<PayoutLedgerService['lock']>>,
  ): Promise<void> {
    if (settlements.length === 0) return;
    const now = new Date();
    await manager.query(
      `UPDATE payment.payout_attempt a SET status = 'settled', resolved_at = $3, bank_reference = u.bank_reference
         FROM unnest($1::uuid[], $2::text[]) AS u(instruction_id, bank_reference) WHERE a.instruction_id = u.instruction_id`,
      [settlements.map(({ attempt }) => attempt.instruction_id), settlements.map(({ bankReference }) => bankReference), now],
    );
    await this.ledger.apply(
      manager,
      settlements.map(({ attempt, bankReference }) => ({
        entitlementId: attempt.entitlement_id,
        kind: 'settled' as const,
        toStatus: 'paid' as const,
        paidChannel: attempt.channel,
        instructionId: attempt.instruction_id,
        actor,
        detail: { bankReference },
      })),
      heads,
    );
    await this.outbox.addMany(
      manager,
      payoutSettledV1,
      settlements.map(({ attempt, bankReference, cause }) => ({ aggregateId: attempt.entitlement_id, payload: settledEvent(attempt, bankReference, now), cause })),
    );
  }

  async fail(manager: EntityManager, attempt: AttemptRow, code: FailureCode, actor: string): Promise<void> {
    const now = new Date();
    const decision = decideAfterFailure({
      code,
      sendCount: attempt.send_count,
      maxSends: this.config.PAYOUT_MAX_SENDS,
      channel: attempt.channel,
      beneficiaryDeceased: attempt.beneficiary_deceased,
    });
    if (decision === 'retry') {
      await manager.query(`UPDATE payment.payout_attempt SET status = 'retry_wait', reason_code = $2 WHERE instruction_id = $1`, [attempt.instruction_id, code]);
      const delay = resendDelayMs(attempt.send_count, this.config.PAYOUT_RETRY_BASE_MS, this.config.PAYOUT_RETRY_CAP_MS);
      await this.ledger.apply(manager, [
        { entitlementId: attempt.entitlement_id, kind: 'retry_scheduled', instructionId: attempt.instruction_id, reasonCode: code, actor, detail: { delayMs: delay, sendCount: attempt.send_count } },
      ]);
      // Queued inside the transaction: if it rolls back, or the job runs before the commit, it finds no
      // retry_wait attempt and does nothing; the sweep then sends the overdue resend itself.
      await this.retries.add(RESEND_JOB, { instructionId: attempt.instruction_id, afterSend: attempt.send_count }, { jobId: resendJobId(attempt.instruction_id, attempt.send_count), delay, removeOnComplete: 1_000, removeOnFail: 5_000 });
      await this.outbox.add(manager, payoutFailedV1, attempt.entitlement_id, failedEvent(attempt, code, 'retry', now));
      return;
    }

    const terminalStatus = code === 'TIMEOUT' ? 'unanswered' : 'rejected';
    await manager.query(`UPDATE payment.payout_attempt SET status = $2, reason_code = $3, resolved_at = $4 WHERE instruction_id = $1`, [
      attempt.instruction_id,
      terminalStatus,
      code,
      now,
    ]);
    const rejected = { entitlementId: attempt.entitlement_id, kind: terminalStatus === 'unanswered' ? ('unanswered' as const) : ('rejected' as const), instructionId: attempt.instruction_id, reasonCode: code, actor };

    if (decision === 'hold') {
      await this.ledger.apply(manager, [rejected, { entitlementId: attempt.entitlement_id, kind: 'held', toStatus: 'held', finalReason: code, reasonCode: code, actor }]);
      await this.outbox.add(manager, payoutFailedV1, attempt.entitlement_id, failedEvent(attempt, code, 'held_for_review', now));
      await this.outbox.add(manager, payoutHeldV1, attempt.entitlement_id, heldEvent(attempt, code, now));
      return;
    }

    const next = await this.planNextAttempt(manager, attempt, now);
    await this.ledger.apply(manager, [
      { ...rejected, detail: { nextInstructionId: next.instructionId, nextChannel: next.channel, nextInstitutionCode: next.institutionCode } },
    ]);
    await this.outbox.add(manager, payoutFailedV1, attempt.entitlement_id, failedEvent(attempt, code, next.channel === 'cash' ? 'cash' : 'next_channel', now));
    await this.dispatcher.send(manager, [next.instructionId], actor);
  }

  /**
   * Cash the post office accepted but never reported on, long after the collection window: held for
   * an officer (the money may have been handed over), never sent again nor elsewhere. A late report
   * of the hand-over is still applied, as for any unanswered instruction.
   */
  async holdUnreportedCash(manager: EntityManager, attempt: AttemptRow, reasonCode: string, actor: string): Promise<void> {
    const now = new Date();
    await manager.query(`UPDATE payment.payout_attempt SET status = 'unanswered', reason_code = $2, resolved_at = $3 WHERE instruction_id = $1`, [attempt.instruction_id, reasonCode, now]);
    await this.ledger.apply(manager, [
      { entitlementId: attempt.entitlement_id, kind: 'unanswered', instructionId: attempt.instruction_id, reasonCode, actor, detail: { collectionDays: this.config.CASH_COLLECTION_DAYS } },
      { entitlementId: attempt.entitlement_id, kind: 'held', toStatus: 'held', finalReason: reasonCode, reasonCode, actor },
    ]);
    await this.outbox.add(manager, payoutHeldV1, attempt.entitlement_id, heldEvent(attempt, reasonCode, now));
  }

  /**
   * A refusal that arrives after the instruction was given up as unanswered: the money did not move.
   * The payout stays held (an officer already owns it), but the attempt now has a definite answer, which
   * is what allows a release to pay it again without risking a second payment.
   */
  async recordLateRefusal(manager: EntityManager, attempt: AttemptRow, reasonCode: FailureCode, actor: string): Promise<void> {
    await manager.query(`UPDATE payment.payout_attempt SET status = 'rejected', reason_code = $2, resolved_at = now() WHERE instruction_id = $1 AND status = 'unanswered'`, [
      attempt.instruction_id,
      reasonCode,
    ]);
    await this.ledger.apply(manager, [{ entitlementId: attempt.entitlement_id, kind: 'rejected', instructionId: attempt.instruction_id, reasonCode, actor, detail: { late: true } }]);
  }

  /** The next channel after every one tried so far; cash at the post office once accounts run out. */
  private async planNextAttempt(manager: EntityManager, attempt: AttemptRow, now: Date): Promise<{ instructionId: string; channel: string; institutionCode: string }> {
    const tried: Array<{ account_id: string | null; attempt_number: number }> = await manager.query(
      `SELECT account_id, attempt_number FROM payment.payout_attempt WHERE entitlement_id = $1`,
      [attempt.entitlement_id],
    );
    const accounts: PayeeAccountRow[] = await manager.query(
      `SELECT account_id, channel, institution_code, account_number_masked, priority, status, payable_from, account_number_sealed IS NOT NULL AS has_sealed_number
         FROM payment.payee_account WHERE beneficiary_id = $1 AND status = 'verified' AND $2::text <> 'funeral'`,
      // a funeral claimant's failed account falls back to cash in their name, never the deceased's accounts
      [attempt.beneficiary_id, attempt.kind],
    );
    const route = nextRoute(accounts, new Set(tried.flatMap((row) => (row.account_id ? [row.account_id] : []))), now);
    const attemptNumber = Math.max(...tried.map((row) => row.attempt_number)) + 1;
    const instructionId = instructionIdFor(attempt.entitlement_id, attemptNumber);
    await manager.query(
      `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, channel, institution_code, account_id, account_number_masked, amount_dong, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned')`,
      [instructionId, attempt.entitlement_id, attemptNumber, route.channel, route.institutionCode, route.accountId, route.accountNumberMasked, attempt.amount_dong],
    );
    return { instructionId, channel: route.channel, institutionCode: route.institutionCode };
  }
}

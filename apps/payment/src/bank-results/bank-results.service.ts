import { instructionReportedPayloadSchema, verifyPayloadSignature, verifyPayloadSignatureOnPool, type EventEnvelope } from '@app/contracts';
import { DomainError, SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { PaymentConfig } from '../config/payment.config';
import { ATTEMPT_SELECT, type AttemptRow } from '../payouts/payout-events';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import { PayoutOutcomesService } from './payout-outcomes.service';

export type BankResult = z.infer<typeof instructionReportedPayloadSchema>;

const OPEN = new Set(['sent', 'accepted', 'retry_wait']);

export const ResultErrors = {
  badSignature: () => new DomainError('PAYMENT.RESULT_BAD_SIGNATURE', 'Chữ ký của kết quả chi trả không hợp lệ.', 'forbidden'),
  unknownInstruction: () => new DomainError('PAYMENT.RESULT_UNKNOWN_INSTRUCTION', 'Kết quả cho một lệnh chi không tồn tại.', 'not_found'),
  wrongInstitution: () => new DomainError('PAYMENT.RESULT_WRONG_INSTITUTION', 'Tổ chức chi trả báo kết quả cho lệnh chi không phải của mình.', 'forbidden'),
};

/**
 * Applies an institution's answer to an instruction. Each answer is applied at most once: a repeat
 * of what is already recorded changes nothing, and an answer contradicting a final state is
 * recorded as a flag for operations, never applied.
 */
@Injectable()
export class BankResultsService {
  private readonly logger = new Logger(BankResultsService.name);
  private readonly keys: Map<string, KeyObject>;

  constructor(
    @Inject(SERVICE_CONFIG) config: PaymentConfig,
    private readonly ledger: PayoutLedgerService,
    private readonly outcomes: PayoutOutcomesService,
  ) {
    this.keys = new Map(Object.entries(config.BANK_RESULT_PUBLIC_KEYS).map(([code, key]) => [code, createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' })]));
  }

  async apply(event: EventEnvelope<BankResult>, topicInstitutionCode: string, manager: EntityManager): Promise<void> {
    await this.applyResult(event.payload, topicInstitutionCode, `bank:${topicInstitutionCode}`, manager, true);
  }

  /**
   * The bulk of a cycle's answers, set-based: settlements of open attempts, for the institution of the
   * topic, signed, for the amount sent. Returns the event ids it applied; anything else (rejections,
   * repeats, contradictions, bad signatures, unknown instructions) is left to `apply`, one at a time.
   */
  async settleMany(events: Array<EventEnvelope<BankResult>>, topicInstitutionCode: string, manager: EntityManager): Promise<Set<string>> {
    const key = this.keys.get(topicInstitutionCode) ?? this.keys.get('*');
    // An instruction with any other answer in this batch (TECH, then settled) keeps its answers in order, one
    // by one: settling it first would turn its earlier refusal into a contradiction and lose the retry's history.
    const answeredOtherwise = new Set(events.filter((event) => event.payload.status !== 'settled').map((event) => event.payload.instructionId));
    // a second answer for one instruction in the same batch is judged on its own, after the first
    const byInstruction = new Map<string, EventEnvelope<BankResult>>();
    const candidates = events.filter((event) => event.payload.status === 'settled' && event.payload.institutionCode === topicInstitutionCode && !answeredOtherwise.has(event.payload.instructionId));
    // every candidate's signature checked at once on the thread pool (the largest cost of applying results)
    const signed = key ? await Promise.all(candidates.map((event) => verifyPayloadSignatureOnPool(event.payload, key))) : candidates.map(() => true);
    candidates.forEach((event, index) => {
      if (!signed[index] || byInstruction.has(event.payload.instructionId)) return;
      byInstruction.set(event.payload.instructionId, event);
    });
    if (byInstruction.size === 0) return new Set();
    const attempts: AttemptRow[] = await manager.query(`${ATTEMPT_SELECT} WHERE a.instruction_id = ANY($1::uuid[]) ORDER BY a.instruction_id FOR UPDATE OF a`, [[...byInstruction.keys()]]);
    const heads = await this.ledger.lock(manager, attempts.map((attempt) => attempt.entitlement_id));
    const settling = attempts.flatMap((attempt) => {
      const event = byInstruction.get(attempt.instruction_id)!;
      const applies = attempt.institution_code === topicInstitutionCode && OPEN.has(attempt.status) && BigInt(event.payload.amountDong) === BigInt(attempt.amount_dong);
      return applies ? [{ attempt, bankReference: event.payload.bankReference, cause: event }] : [];
    });
    await this.outcomes.settleMany(manager, settling, `bank:${topicInstitutionCode}`, heads);
    return new Set(settling.map(({ cause }) => cause.eventId));
  }

  /** Also used for results read from pain.002 files, which are not signed per message. */
  async applyResult(result: BankResult, institutionCode: string, actor: string, manager: EntityManager, requireSignature: boolean): Promise<'applied' | 'repeat' | 'flagged'> {
    if (result.institutionCode !== institutionCode) throw ResultErrors.wrongInstitution();
    const key = this.keys.get(institutionCode) ?? this.keys.get('*');
    if (requireSignature && key && !verifyPayloadSignature(result, key)) throw ResultErrors.badSignature();

    const [attempt]: AttemptRow[] = await manager.query(`${ATTEMPT_SELECT} WHERE a.instruction_id = $1 FOR UPDATE OF a`, [result.instructionId]);
    if (!attempt) throw ResultErrors.unknownInstruction();
    if (attempt.institution_code !== institutionCode) throw ResultErrors.wrongInstitution();
    await this.ledger.lock(manager, [attempt.entitlement_id]);

    if (BigInt(result.amountDong) !== BigInt(attempt.amount_dong)) {
      return this.flag(manager, attempt, 'AMOUNT_MISMATCH', result, actor, true);
    }
    if (!OPEN.has(attempt.status)) {
      if (repeats(attempt, result)) return 'repeat';
      // An instruction nobody answered was held (the bank might have paid): a late answer is the answer. A
      // settlement pays it; a refusal says the money did not move, which is what lets an officer release it.
      // One held after a TECH to its last send is the same: that TECH may have answered an earlier send.
      const heldUnsettled = attempt.status === 'unanswered' || (attempt.status === 'rejected' && attempt.reason_code === 'TECH');
      if (heldUnsettled && attempt.entitlement_status === 'held') {
        if (result.status === 'settled') {
          await this.outcomes.settle(manager, attempt, result.bankReference, actor);
          return 'applied';
        }
        if (result.status === 'rejected') {
          await this.outcomes.recordLateRefusal(manager, attempt, result.reasonCode!, actor);
          return 'applied';
        }
      }
      return this.flag(manager, attempt, 'CONTRADICTORY_RESULT', result, actor, false);
    }

    switch (result.status) {
      case 'accepted':
        if (attempt.status !== 'sent') return 'repeat';
        // for cash, the collection window at the post office runs from here
        await manager.query(`UPDATE payment.payout_attempt SET status = 'accepted', accepted_at = now() WHERE instruction_id = $1`, [attempt.instruction_id]);
        await this.ledger.apply(manager, [{ entitlementId: attempt.entitlement_id, kind: 'accepted', instructionId: attempt.instruction_id, actor }]);
        return 'applied';
      case 'settled':
        await this.outcomes.settle(manager, attempt, result.bankReference, actor);
        return 'applied';
      case 'rejected':
        // a late TECH answer for a send already being retried is the same failure seen twice
        if (attempt.status === 'retry_wait' && result.reasonCode === attempt.reason_code) return 'repeat';
        await this.outcomes.fail(manager, attempt, result.reasonCode!, actor);
        return 'applied';
    }
  }

  private async flag(manager: EntityManager, attempt: AttemptRow, problem: string, result: BankResult, actor: string, hold: boolean): Promise<'flagged'> {
    this.logger.warn({ instructionId: attempt.instruction_id, problem, attemptStatus: attempt.status, reported: result.status }, 'bank result flagged for operations');
    const canHold = hold && (attempt.entitlement_status === 'in_flight' || attempt.entitlement_status === 'awaiting_approval');
    await this.ledger.apply(manager, [
      {
        entitlementId: attempt.entitlement_id,
        kind: 'result_flagged',
        instructionId: attempt.instruction_id,
        reasonCode: problem,
        actor,
        detail: { attemptStatus: attempt.status, reportedStatus: result.status, reportedReason: result.reasonCode, reportedAmountDong: result.amountDong },
      },
      ...(canHold ? [{ entitlementId: attempt.entitlement_id, kind: 'held' as const, toStatus: 'held' as const, finalReason: problem, reasonCode: problem, actor }] : []),
    ]);
    if (canHold) {
      await manager.query(`UPDATE payment.payout_attempt SET status = 'rejected', reason_code = $2, resolved_at = now() WHERE instruction_id = $1 AND status IN ('sent', 'accepted', 'retry_wait')`, [
        attempt.instruction_id,
        problem,
      ]);
    }
    return 'flagged';
  }
}

function repeats(attempt: AttemptRow, result: BankResult): boolean {
  if (result.status === 'accepted') return true;
  if (result.status === 'settled') return attempt.status === 'settled';
  return attempt.status === 'rejected' && attempt.reason_code === result.reasonCode;
}

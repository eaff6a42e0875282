import { CASH_INSTITUTION_CODE, dongToWire, payoutCancelledV1 } from '@app/contracts';
import { AuditTrailService, coversArea, DomainError, OutboxService, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InstructionDispatcherService } from '../dispatch/instruction-dispatcher.service';
import type { CancelPayoutDto, ProposeReleaseDto } from './dto/payout-decisions.dto';
import { PayoutLedgerService } from './payout-ledger.service';
import { instructionIdFor } from './payout-state';

interface HeldPayout {
  id: string;
  status: string;
  kind: 'monthly' | 'arrears' | 'funeral';
  beneficiary_id: string;
  cycle_id: string;
  programme_code: string;
  period: string;
  amount_dong: string;
  province_code: string;
  commune_code: string;
  beneficiary_deceased: boolean;
}

interface Target {
  channel: 'bank' | 'ewallet' | 'cash';
  institutionCode: string;
  accountId: string | null;
  accountNumberMasked: string | null;
}

export interface ReleaseView {
  releaseId: string;
  entitlementId: string;
  status: 'proposed' | 'approved' | 'withdrawn';
  channel: string;
  institutionCode: string;
  accountNumberMasked: string | null;
  note: string;
  proposedBy: string;
  decidedBy: string | null;
  instructionId: string | null;
}

export const DecisionErrors = {
  notFound: () => new DomainError('PAYMENT.ENTITLEMENT_NOT_FOUND', 'Không tìm thấy khoản chi trả.', 'not_found'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Khoản chi trả thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  notHeld: (status: string) =>
    new DomainError('PAYMENT.PAYOUT_NOT_HELD', `Chỉ quyết định được khoản chi đang tạm giữ; khoản này đang ở trạng thái ${status}.`, 'conflict', { status }),
  deceased: () =>
    new DomainError(
      'PAYMENT.BENEFICIARY_DECEASED',
      'Đối tượng đã mất: không chi lại khoản này (tài khoản đã bị phong tỏa). Hãy hủy khoản chi; hỗ trợ mai táng được chi cho người lo mai táng.',
      'conflict',
    ),
  notUnclaimedFuneral: (status: string) =>
    new DomainError('PAYMENT.FUNERAL_NOT_AWAITING_CLAIM', `Lý do FUNERAL_NOT_CLAIMED chỉ dùng cho khoản hỗ trợ mai táng chưa có người nhận; khoản này đang ở trạng thái ${status}.`, 'conflict', { status }),
  accountNotPayable: () => new DomainError('PAYMENT.ACCOUNT_NOT_PAYABLE', 'Tài khoản không thuộc người nhận, chưa được xác minh hoặc chưa đến ngày được chi.', 'unprocessable'),
  noProposal: () => new DomainError('PAYMENT.RELEASE_NOT_PROPOSED', 'Khoản chi chưa có đề xuất chi lại đang chờ phê duyệt.', 'conflict'),
  proposalChanged: () => new DomainError('PAYMENT.RELEASE_CHANGED', 'Đề xuất chi lại đã thay đổi sau khi bạn xem: hãy xem lại rồi phê duyệt.', 'conflict'),
  fourEyes: () => new DomainError('PAYMENT.FOUR_EYES', 'Người đề xuất chi lại không được tự phê duyệt đề xuất của mình.', 'forbidden'),
  outcomeUnknown: (instructionId: string, reasonCode: string) =>
    new DomainError(
      'PAYMENT.OUTCOME_UNKNOWN',
      `Chưa biết lệnh ${instructionId} đã được chi hay chưa (${reasonCode}): cần kết quả của ngân hàng/bưu điện trước khi chi lại, để không chi hai lần.`,
      'conflict',
      { instructionId, reasonCode },
    ),
};

/**
 * Officers' decisions on held payouts, four-eyes like batches: an officer proposes to pay again (to a
 * verified account or cash, with a note); a different supervisor approves exactly that proposal, which
 * creates the next attempt (its own deterministic instruction id) through the normal dispatch. A
 * supervisor may instead cancel with a reason. Every step is a payout_event and an audit entry.
 */
@Injectable()
export class PayoutDecisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: PayoutLedgerService,
    private readonly dispatcher: InstructionDispatcherService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditTrailService,
  ) {}

  async proposeRelease(entitlementId: string, input: ProposeReleaseDto, principal: Principal): Promise<ReleaseView> {
    const actor = actorOf(principal);
    const releaseId = uuidv7();
    await this.dataSource.transaction(async (manager) => {
      const { payout, heads } = await this.heldPayout(manager, entitlementId, principal);
      await this.refuseIfMoneyMayHaveMoved(manager, entitlementId);
      const target = await this.targetOf(manager, payout, input.payTo, input.accountId);
      const withdrawn = await this.withdrawOpen(manager, entitlementId, actor);
      await manager.query(
        `INSERT INTO payment.payout_release (id, entitlement_id, channel, institution_code, account_id, account_number_masked, note, status, proposed_by, proposed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed', $8, now())`,
        [releaseId, entitlementId, target.channel, target.institutionCode, target.accountId, target.accountNumberMasked, input.note, actor],
      );
      const detail = { releaseId, channel: target.channel, institutionCode: target.institutionCode, accountNumberMasked: target.accountNumberMasked, note: input.note };
      await this.ledger.apply(
        manager,
        [...withdrawn.map((id) => ({ entitlementId, kind: 'release_withdrawn' as const, actor, detail: { releaseId: id, replacedBy: releaseId } })), { entitlementId, kind: 'release_proposed' as const, actor, detail }],
        heads,
      );
      await this.audit.append(manager, { actor, action: 'PAYOUT_RELEASE_PROPOSED', entityType: 'entitlement', entityId: entitlementId, details: detail });
    });
    return this.release(releaseId);
  }

  async approveRelease(entitlementId: string, releaseId: string, principal: Principal): Promise<ReleaseView> {
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const { payout, heads } = await this.heldPayout(manager, entitlementId, principal);
      const [release] = await manager.query(`SELECT * FROM payment.payout_release WHERE entitlement_id = $1 AND status = 'proposed' FOR UPDATE`, [entitlementId]);
      if (!release) throw DecisionErrors.noProposal();
      if (release.id !== releaseId) throw DecisionErrors.proposalChanged();
      if (subOf(release.proposed_by) === principal.sub) throw DecisionErrors.fourEyes();
      await this.refuseIfMoneyMayHaveMoved(manager, entitlementId);
      // the account may have been replaced or rejected since the proposal
      const target = await this.targetOf(manager, payout, release.channel === 'cash' ? 'cash' : 'account', release.account_id ?? undefined);

      const [{ last }] = await manager.query(`SELECT coalesce(max(attempt_number), 0) AS last FROM payment.payout_attempt WHERE entitlement_id = $1`, [entitlementId]);
      const attemptNumber = Number(last) + 1;
      const instructionId = instructionIdFor(entitlementId, attemptNumber);
      await manager.query(
        `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, channel, institution_code, account_id, account_number_masked, amount_dong, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'planned')`,
        [instructionId, entitlementId, attemptNumber, target.channel, target.institutionCode, target.accountId, target.accountNumberMasked, payout.amount_dong],
      );
      await manager.query(`UPDATE payment.payout_release SET status = 'approved', decided_by = $2, decided_at = now(), instruction_id = $3 WHERE id = $1`, [releaseId, actor, instructionId]);
      const detail = { releaseId, proposedBy: release.proposed_by, attemptNumber, channel: target.channel, institutionCode: target.institutionCode, note: release.note };
      await this.ledger.apply(manager, [{ entitlementId, kind: 'released', instructionId, actor, detail }], heads);
      await this.audit.append(manager, { actor, action: 'PAYOUT_RELEASE_APPROVED', entityType: 'entitlement', entityId: entitlementId, details: { ...detail, instructionId } });
      await this.dispatcher.send(manager, [instructionId], actor);
    });
    return this.release(releaseId);
  }

  async cancel(entitlementId: string, input: CancelPayoutDto, principal: Principal): Promise<{ entitlementId: string; status: 'cancelled'; finalReason: string }> {
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (manager) => {
      // a funeral support nobody comes to claim is closed the same way, so its cycle can balance and close
      const { payout, heads } = await this.heldPayout(manager, entitlementId, principal, input.reasonCode === 'FUNERAL_NOT_CLAIMED');
      const withdrawn = await this.withdrawOpen(manager, entitlementId, actor);
      await this.ledger.apply(
        manager,
        [
          ...withdrawn.map((id) => ({ entitlementId, kind: 'release_withdrawn' as const, actor, detail: { releaseId: id } })),
          { entitlementId, kind: 'cancelled' as const, toStatus: 'cancelled' as const, finalReason: input.reasonCode, reasonCode: input.reasonCode, actor, detail: { note: input.note } },
        ],
        heads,
      );
      await this.outbox.add(manager, payoutCancelledV1, entitlementId, {
        entitlementId,
        beneficiaryId: payout.beneficiary_id,
        cycleId: payout.cycle_id,
        programmeCode: payout.programme_code,
        period: payout.period,
        kind: payout.kind,
        amountDong: dongToWire(BigInt(payout.amount_dong)),
        provinceCode: payout.province_code,
        communeCode: payout.commune_code,
        reasonCode: input.reasonCode,
        cancelledBy: actor,
        cancelledAt: new Date().toISOString(),
      });
      await this.audit.append(manager, { actor, action: 'PAYOUT_CANCELLED', entityType: 'entitlement', entityId: entitlementId, details: { reasonCode: input.reasonCode, note: input.note, amountDong: payout.amount_dong } });
    });
    return { entitlementId, status: 'cancelled', finalReason: input.reasonCode };
  }

  /**
   * A new attempt has a new instruction id, which no institution would recognise as a repeat. So it is
   * allowed only when every earlier attempt has a definite answer that the money did not move: an
   * instruction nobody answered (TIMEOUT, cash never reported) or one reported with another amount may
   * have been paid, and paying again could pay twice. A late answer from the institution settles it.
   */
  private async refuseIfMoneyMayHaveMoved(manager: EntityManager, entitlementId: string): Promise<void> {
    const [uncertain]: Array<{ instruction_id: string; reason_code: string }> = await manager.query(
      `SELECT instruction_id, reason_code FROM payment.payout_attempt
        WHERE entitlement_id = $1 AND (status = 'unanswered' OR reason_code = 'AMOUNT_MISMATCH')
        ORDER BY attempt_number LIMIT 1`,
      [entitlementId],
    );
    if (uncertain) throw DecisionErrors.outcomeUnknown(uncertain.instruction_id, uncertain.reason_code);
  }

  /** Locks the entitlement and checks it is the caller's to decide on and is held. */
  private async heldPayout(manager: EntityManager, entitlementId: string, principal: Principal, unclaimedFuneral = false) {
    const heads = await this.ledger.lock(manager, [entitlementId]);
    const [payout]: HeldPayout[] = await manager.query(
      `SELECT e.id, e.status, e.kind, e.beneficiary_id, e.cycle_id, e.programme_code, e.period, e.amount_dong::text, e.province_code, e.commune_code,
              (p.status = 'ceased' AND p.cease_reason = 'DECEASED') AS beneficiary_deceased
         FROM payment.entitlement e JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id WHERE e.id = $1`,
      [entitlementId],
    );
    if (!payout) throw DecisionErrors.notFound();
    if (!coversArea(principal, { provinceCode: payout.province_code, communeCode: payout.commune_code })) throw DecisionErrors.outOfArea();
    if (unclaimedFuneral) {
      if (payout.kind !== 'funeral' || payout.status !== 'awaiting_claim') throw DecisionErrors.notUnclaimedFuneral(payout.status);
    } else if (payout.status !== 'held') {
      throw DecisionErrors.notHeld(payout.status);
    }
    return { payout, heads };
  }

  /**
   * Where a release may pay: one of the beneficiary's verified, payable accounts, or cash. A deceased
   * beneficiary's own payout is never paid again (cancel it); a funeral support goes only to its claimant.
   */
  private async targetOf(manager: EntityManager, payout: HeldPayout, payTo: 'account' | 'cash', accountId: string | undefined): Promise<Target> {
    if (payout.kind !== 'funeral' && payout.beneficiary_deceased) throw DecisionErrors.deceased();
    if (payTo === 'cash') return { channel: 'cash', institutionCode: CASH_INSTITUTION_CODE, accountId: null, accountNumberMasked: null };
    if (!accountId) throw DecisionErrors.accountNotPayable();
    const [account]: Array<{ channel: 'bank' | 'ewallet'; institution_code: string; account_number_masked: string }> =
      payout.kind === 'funeral'
        ? await manager.query(
            `SELECT channel, institution_code, account_number_masked FROM payment.funeral_claim WHERE entitlement_id = $1 AND account_id = $2 AND account_number_sealed IS NOT NULL`,
            [payout.id, accountId],
          )
        : await manager.query(
            `SELECT channel, institution_code, account_number_masked FROM payment.payee_account
              WHERE account_id = $1 AND beneficiary_id = $2 AND status = 'verified' AND account_number_sealed IS NOT NULL AND payable_from <= now()`,
            [accountId, payout.beneficiary_id],
          );
    if (!account) throw DecisionErrors.accountNotPayable();
    return { channel: account.channel, institutionCode: account.institution_code, accountId, accountNumberMasked: account.account_number_masked };
  }

  private async withdrawOpen(manager: EntityManager, entitlementId: string, actor: string): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count]
    const [rows]: [Array<{ id: string }>, number] = await manager.query(
      `UPDATE payment.payout_release SET status = 'withdrawn', decided_by = $2, decided_at = now() WHERE entitlement_id = $1 AND status = 'proposed' RETURNING id`,
      [entitlementId, actor],
    );
    return rows.map((row) => row.id);
  }

  private async release(releaseId: string): Promise<ReleaseView> {
    const [row] = await this.dataSource.query(`SELECT * FROM payment.payout_release WHERE id = $1`, [releaseId]);
    return {
      releaseId: row.id,
      entitlementId: row.entitlement_id,
      status: row.status,
      channel: row.channel,
      institutionCode: row.institution_code,
      accountNumberMasked: row.account_number_masked,
      note: row.note,
      proposedBy: row.proposed_by,
      decidedBy: row.decided_by,
      instructionId: row.instruction_id,
    };
  }
}

function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.sub}`;
}

function subOf(actor: string): string {
  return actor.slice(actor.indexOf(':') + 1);
}

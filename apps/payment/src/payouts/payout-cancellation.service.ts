import { dongToWire, payoutCancelledV1 } from '@app/contracts';
import { OutboxService } from '@app/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PayoutLedgerService } from './payout-ledger.service';

/**
 * A beneficiary who ceases is not paid from the month after (Decree 20/2021 Art. 8(2)): entitlements
 * for those months that were not yet sent are cancelled with the reason. Ones already with a bank
 * are left to their result; if that fails, a deceased beneficiary's payment is held, never redirected.
 */
@Injectable()
export class PayoutCancellationService {
  constructor(
    private readonly ledger: PayoutLedgerService,
    private readonly outbox: OutboxService,
  ) {}

  async cancelFrom(manager: EntityManager, beneficiaryId: string, paymentsStopFrom: string, reasonCode: string, actor: string): Promise<number> {
    const cancelled: Array<{ id: string; cycle_id: string | null; programme_code: string; period: string; kind: 'monthly' | 'arrears' | 'funeral'; amount_dong: string; province_code: string; commune_code: string }> =
      await manager.query(
        `SELECT id, cycle_id, programme_code, period, kind, amount_dong::text, province_code, commune_code FROM payment.entitlement
          WHERE beneficiary_id = $1 AND status = 'awaiting_approval' AND kind <> 'funeral' AND (period || '-01')::date >= $2::date
          ORDER BY id`,
        [beneficiaryId, paymentsStopFrom],
      );
    const finalReason = `CEASED_${reasonCode}`;
    await this.ledger.apply(
      manager,
      cancelled.map((row) => ({ entitlementId: row.id, kind: 'cancelled' as const, toStatus: 'cancelled' as const, finalReason, reasonCode: finalReason, actor, detail: { paymentsStopFrom } })),
    );
    const now = new Date().toISOString();
    await this.outbox.addMany(
      manager,
      payoutCancelledV1,
      cancelled.map((row) => ({
        aggregateId: row.id,
        payload: {
          entitlementId: row.id,
          beneficiaryId,
          cycleId: row.cycle_id,
          programmeCode: row.programme_code,
          period: row.period,
          kind: row.kind,
          amountDong: dongToWire(BigInt(row.amount_dong)),
          provinceCode: row.province_code,
          communeCode: row.commune_code,
          reasonCode: finalReason,
          cancelledBy: actor,
          cancelledAt: now,
        },
      })),
    );
    return cancelled.length;
  }
}

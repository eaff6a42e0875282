import type { beneficiaryRegisteredV1, EventEnvelope, PayloadOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PayoutCancellationService } from '../payouts/payout-cancellation.service';
import { PayeeEntity } from './payee.entity';

/** What every status event of the registry carries (verified, suspended, reinstated, ceased). */
type StatusEvent = EventEnvelope<{ beneficiaryId: string; reasonCode: string; changedAt: string; paymentsStopFrom?: string }>;
export type PayeeStatus = 'active' | 'suspended' | 'ceased';

/**
 * Payment's copy of the registry, kept from the beneficiary service's events. Events of one
 * beneficiary come on several topics, so they can arrive in any order: every status change is kept,
 * and the payee row shows the one that happened last, whichever arrived last.
 */
@Injectable()
export class PayeesService {
  constructor(private readonly cancellation: PayoutCancellationService) {}

  /** Runs inside the inbox transaction, so the row and the consumed event id commit together. */
  async recordRegistration(event: EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>>, manager: EntityManager): Promise<void> {
    const registered = event.payload;
    await manager.insert(PayeeEntity, {
      beneficiaryId: registered.beneficiaryId,
      cccd: registered.cccd,
      fullName: registered.fullName,
      programmeCode: registered.programmeCode,
      categoryCode: registered.categoryCode,
      provinceCode: registered.provinceCode,
      communeCode: registered.communeCode,
      legacyDistrictCode: registered.legacyDistrictCode,
      status: registered.status,
      paymentPreference: registered.paymentPreference ?? 'account',
      registeredAt: new Date(registered.registeredAt),
      sourceEventId: event.eventId,
    });
    await this.applyLatestStatus(manager, registered.beneficiaryId);
  }

  async recordStatusChange(event: StatusEvent, toStatus: PayeeStatus, manager: EntityManager): Promise<void> {
    const payload = event.payload;
    await manager.query(
      `INSERT INTO payment.payee_status_change (event_id, beneficiary_id, to_status, reason_code, payments_stop_from, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.eventId, payload.beneficiaryId, toStatus, payload.reasonCode, payload.paymentsStopFrom ?? null, payload.changedAt],
    );
    await this.applyLatestStatus(manager, payload.beneficiaryId);
    if (toStatus === 'ceased' && payload.paymentsStopFrom) {
      await this.cancellation.cancelFrom(manager, payload.beneficiaryId, payload.paymentsStopFrom, payload.reasonCode, `${event.producer}:${payload.reasonCode.toLowerCase()}`);
    }
  }

  /** Puts the most recent known status on the payee row, if the row exists yet. */
  private async applyLatestStatus(manager: EntityManager, beneficiaryId: string): Promise<void> {
    await manager.query(
      `UPDATE payment.payee p
          SET status = c.to_status,
              cease_reason = CASE WHEN c.to_status = 'ceased' THEN c.reason_code END,
              payments_stop_from = c.payments_stop_from,
              status_changed_at = c.occurred_at
         FROM (SELECT to_status, reason_code, payments_stop_from, occurred_at
                 FROM payment.payee_status_change WHERE beneficiary_id = $1
                ORDER BY occurred_at DESC, event_id DESC LIMIT 1) c
        WHERE p.beneficiary_id = $1
          AND (p.status_changed_at IS NULL OR p.status_changed_at <= c.occurred_at)`,
      [beneficiaryId],
    );
  }
}

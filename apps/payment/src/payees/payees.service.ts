import type { beneficiaryRegisteredV1, EventEnvelope, PayloadOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FuneralSupportService } from '../funerals/funeral-support.service';
import { PayoutCancellationService } from '../payouts/payout-cancellation.service';
import { PayeeEntity } from './payee.entity';

/** What every status event of the registry carries (verified, suspended, reinstated, ceased). */
type StatusEvent = EventEnvelope<{ beneficiaryId: string; reasonCode: string; changedAt: string; paymentsStopFrom?: string; effectiveDate?: string }>;
export type PayeeStatus = 'active' | 'suspended' | 'ceased';

/**
 * Payment's copy of the registry, kept from the beneficiary service's events. Events of one
 * beneficiary come on several topics, so they can arrive in any order: every status change is kept,
 * and the payee row shows the one that happened last, whichever arrived last.
 */
@Injectable()
export class PayeesService {
  constructor(
    private readonly cancellation: PayoutCancellationService,
    private readonly funerals: FuneralSupportService,
  ) {}

  /** Runs inside the inbox transaction, so the row and the consumed event id commit together. */
  async recordRegistration(event: EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>>, manager: EntityManager): Promise<void> {
    const registered = event.payload;
    await this.lockBeneficiary(manager, registered.beneficiaryId);
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
      registeredStatus: registered.status,
      paymentPreference: registered.paymentPreference ?? 'account',
      registeredAt: new Date(registered.registeredAt),
      sourceEventId: event.eventId,
    });
    await this.applyLatestStatus(manager, registered.beneficiaryId);
    // a death reported before the registration arrived opens the funeral support now
    await this.funerals.openIfDue(manager, registered.beneficiaryId, `${event.producer}:registered`);
  }

  async recordStatusChange(event: StatusEvent, toStatus: PayeeStatus, manager: EntityManager): Promise<void> {
    const payload = event.payload;
    await this.lockBeneficiary(manager, payload.beneficiaryId);
    await manager.query(
      `INSERT INTO payment.payee_status_change (event_id, beneficiary_id, to_status, reason_code, payments_stop_from, occurred_at, effective_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.eventId, payload.beneficiaryId, toStatus, payload.reasonCode, payload.paymentsStopFrom ?? null, payload.changedAt, payload.effectiveDate ?? null],
    );
    await this.applyLatestStatus(manager, payload.beneficiaryId);
    if (toStatus === 'ceased' && payload.paymentsStopFrom) {
      await this.cancellation.cancelFrom(manager, payload.beneficiaryId, payload.paymentsStopFrom, payload.reasonCode, `${event.producer}:${payload.reasonCode.toLowerCase()}`);
    }
    if (toStatus === 'ceased') await this.funerals.openIfDue(manager, payload.beneficiaryId, `${event.producer}:${payload.reasonCode.toLowerCase()}`);
  }

  /**
   * The registration and a status change of one beneficiary are consumed from different topics, possibly at
   * the same moment. Without this lock each transaction misses the other's uncommitted row (the status
   * change finds no payee to update, the registration no status to apply) and the payee stays
   * pending_verification for good; with it, the second waits for the first and sees its row.
   */
  private async lockBeneficiary(manager: EntityManager, beneficiaryId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`payee:${beneficiaryId}`]);
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

import type { accountChangedV1, accountLinkedV1, accountRejectedV1, accountVerifiedV1, EventEnvelope, PayloadOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

type AccountStatus = 'pending' | 'verified' | 'rejected' | 'replaced';

interface AccountState {
  accountId: string;
  beneficiaryId: string;
  channel: 'bank' | 'ewallet';
  bankBin: string | null;
  providerCode: string | null;
  accountNumberMasked: string;
  priority: number;
  accountNumberSealed?: string;
  payableFrom?: string | null;
}

/**
 * Payment's view of the accounts a beneficiary may be paid into, from the beneficiary service's
 * account events. Events of one beneficiary can arrive out of order across topics: each row keeps the
 * time its state happened at the source, and an older event never overwrites a newer state.
 */
@Injectable()
export class PayeeAccountsService {
  async recordLinked(event: EventEnvelope<PayloadOf<typeof accountLinkedV1>>, manager: EntityManager): Promise<void> {
    await this.upsert(manager, event.payload, 'pending', event.payload.linkedAt);
  }

  async recordVerified(event: EventEnvelope<PayloadOf<typeof accountVerifiedV1>>, manager: EntityManager): Promise<void> {
    await this.upsert(manager, event.payload, 'verified', event.payload.verifiedAt);
  }

  async recordRejected(event: EventEnvelope<PayloadOf<typeof accountRejectedV1>>, manager: EntityManager): Promise<void> {
    await this.upsert(manager, event.payload, 'rejected', event.payload.rejectedAt, event.payload.reasonCode);
  }

  async recordChanged(event: EventEnvelope<PayloadOf<typeof accountChangedV1>>, manager: EntityManager): Promise<void> {
    const change = event.payload;
    const at = change.approvedAt ?? change.changedAt;
    await this.upsert(manager, change, change.status === 'verified' ? 'verified' : 'pending', at);
    await manager.query(
      `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, priority, status, state_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'replaced', $7)
       ON CONFLICT (account_id) DO UPDATE SET status = 'replaced', state_at = excluded.state_at
         WHERE payee_account.state_at <= excluded.state_at`,
      [change.previous.accountId, change.beneficiaryId, change.previous.channel, change.previous.bankBin ?? change.previous.providerCode, change.previous.accountNumberMasked, change.priority, change.changedAt],
    );
  }

  /** rejectionReason: why the registry refused the account (coverage counts name mismatches apart). */
  private async upsert(manager: EntityManager, account: AccountState, status: AccountStatus, stateAt: string, rejectionReason: string | null = null): Promise<void> {
    await manager.query(
      `INSERT INTO payment.payee_account
         (account_id, beneficiary_id, channel, institution_code, account_number_masked, account_number_sealed, priority, status, payable_from, state_at, rejection_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (account_id) DO UPDATE SET
         status = excluded.status,
         priority = excluded.priority,
         account_number_sealed = coalesce(excluded.account_number_sealed, payee_account.account_number_sealed),
         payable_from = coalesce(excluded.payable_from, payee_account.payable_from),
         state_at = excluded.state_at,
         rejection_reason = excluded.rejection_reason
       WHERE payee_account.state_at <= excluded.state_at AND payee_account.status <> 'replaced'`,
      [
        account.accountId,
        account.beneficiaryId,
        account.channel,
        account.bankBin ?? account.providerCode,
        account.accountNumberMasked,
        account.accountNumberSealed ?? null,
        account.priority,
        status,
        account.payableFrom ?? null,
        stateAt,
        rejectionReason,
      ],
    );
  }
}

import { canonicalJson } from '@app/contracts';
import { chainHash, DomainError, GENESIS_HASH } from '@app/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canMove, type EntitlementStatus } from './payout-state';

export type PayoutEventKind =
  | 'opened'
  | 'recomputed'
  | 'claim_recorded'
  | 'release_proposed'
  | 'release_withdrawn'
  | 'prepared'
  | 'approved'
  | 'sent'
  | 'resent'
  | 'accepted'
  | 'settled'
  | 'rejected'
  | 'retry_scheduled'
  | 'unanswered'
  | 'held'
  | 'released'
  | 'cancelled'
  | 'result_flagged';

export interface PayoutChange {
  entitlementId: string;
  kind: PayoutEventKind;
  /** Set when the entitlement's state changes; the move must be allowed by the state machine. */
  toStatus?: EntitlementStatus;
  paidChannel?: 'bank' | 'ewallet' | 'cash';
  finalReason?: string;
  instructionId?: string;
  reasonCode?: string;
  actor: string;
  detail?: Record<string, unknown>;
}

interface ChainHead {
  id: string;
  status: EntitlementStatus;
  history_seq: number;
  history_hash: string;
}

/** The canonical text an event's hash covers; also what verification recomputes from the row. */
export function payoutEventCanonical(event: {
  entitlementId: string;
  seq: number;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  instructionId: string | null;
  reasonCode: string | null;
  actor: string;
  occurredAt: string;
  detail: Record<string, unknown>;
}): string {
  return canonicalJson(event);
}

/**
 * The one way an entitlement changes: every change is an inserted payout_event row chained to the
 * entitlement's previous one, and the entitlement row (its current state) moves with it in the same
 * transaction. Rows are locked in id order, so concurrent writers never deadlock on each other.
 */
@Injectable()
export class PayoutLedgerService {
  async lock(manager: EntityManager, entitlementIds: readonly string[]): Promise<Map<string, ChainHead>> {
    const rows: ChainHead[] = await manager.query(
      `SELECT id, status, history_seq, history_hash FROM payment.entitlement WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(entitlementIds)]],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  async apply(manager: EntityManager, changes: readonly PayoutChange[], heads?: Map<string, ChainHead>): Promise<void> {
    if (changes.length === 0) return;
    const locked = heads ?? (await this.lock(manager, changes.map((change) => change.entitlementId)));
    const occurredAt = new Date().toISOString();
    const events: unknown[][] = [];
    const touched = new Map<string, { paidChannel?: string; finalReason?: string }>();
    for (const change of changes) {
      const head = locked.get(change.entitlementId);
      if (!head) throw new DomainError('PAYMENT.ENTITLEMENT_NOT_FOUND', 'Không tìm thấy khoản hưởng.', 'not_found');
      const fromStatus = head.status;
      if (change.toStatus && change.toStatus !== fromStatus && !canMove(fromStatus, change.toStatus)) {
        throw new DomainError('PAYMENT.ILLEGAL_TRANSITION', `Không thể chuyển khoản hưởng từ trạng thái ${fromStatus} sang ${change.toStatus}.`, 'conflict');
      }
      const seq = head.history_seq + 1;
      const record = {
        entitlementId: change.entitlementId,
        seq,
        kind: change.kind,
        fromStatus,
        toStatus: change.toStatus ?? null,
        instructionId: change.instructionId ?? null,
        reasonCode: change.reasonCode ?? null,
        actor: change.actor,
        occurredAt,
        detail: change.detail ?? {},
      };
      const hash = chainHash(head.history_hash, payoutEventCanonical(record));
      events.push([record.entitlementId, seq, record.kind, record.fromStatus, record.toStatus, record.instructionId, record.reasonCode, record.actor, JSON.stringify(record.detail), head.history_hash, hash]);
      head.history_seq = seq;
      head.history_hash = hash;
      if (change.toStatus) head.status = change.toStatus;
      const updates = touched.get(head.id) ?? {};
      if (change.paidChannel) updates.paidChannel = change.paidChannel;
      if (change.finalReason) updates.finalReason = change.finalReason;
      touched.set(head.id, updates);
    }
    const column = (index: number) => events.map((row) => row[index]);
    await manager.query(
      `INSERT INTO payment.payout_event (entitlement_id, seq, kind, from_status, to_status, instruction_id, reason_code, actor, occurred_at, detail, prev_hash, hash)
       SELECT e.entitlement_id, e.seq, e.kind, e.from_status, e.to_status, e.instruction_id, e.reason_code, e.actor, $12::timestamptz, e.detail, e.prev_hash, e.hash
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::jsonb[], $10::text[], $11::text[])
              AS e(entitlement_id, seq, kind, from_status, to_status, instruction_id, reason_code, actor, detail, prev_hash, hash)`,
      [...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(column), occurredAt],
    );
    const ids = [...touched.keys()];
    await manager.query(
      `UPDATE payment.entitlement e SET
          status = u.status, history_seq = u.seq, history_hash = u.hash,
          paid_channel = coalesce(u.paid_channel, e.paid_channel),
          final_reason = coalesce(u.final_reason, e.final_reason)
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[]) AS u(id, status, seq, hash, paid_channel, final_reason)
        WHERE e.id = u.id`,
      [
        ids,
        ids.map((id) => locked.get(id)!.status),
        ids.map((id) => locked.get(id)!.history_seq),
        ids.map((id) => locked.get(id)!.history_hash),
        ids.map((id) => touched.get(id)!.paidChannel ?? null),
        ids.map((id) => touched.get(id)!.finalReason ?? null),
      ],
    );
  }

  /** Walks every entitlement's chain; reports the first entitlement whose history was edited or cut. */
  async verify(manager: EntityManager): Promise<{ intact: true; events: number } | { intact: false; entitlementId: string; seq: number; problem: 'GAP' | 'HASH_MISMATCH' | 'HEAD_MISMATCH' }> {
    let events = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const heads: Array<{ id: string; history_seq: number; history_hash: string }> = await manager.query(
        `SELECT id, history_seq, history_hash FROM payment.entitlement WHERE id > $1 ORDER BY id LIMIT 2000`,
        [after],
      );
      if (heads.length === 0) return { intact: true, events };
      after = heads[heads.length - 1].id;
      const rows: Array<Record<string, unknown> & { entitlement_id: string; seq: number; prev_hash: string; hash: string }> = await manager.query(
        `SELECT entitlement_id, seq, kind, from_status, to_status, instruction_id, reason_code, actor, occurred_at, detail, prev_hash, hash
           FROM payment.payout_event WHERE entitlement_id = ANY($1::uuid[]) ORDER BY entitlement_id, seq`,
        [heads.map((head) => head.id)],
      );
      const byEntitlement = new Map<string, typeof rows>();
      for (const row of rows) {
        const chain = byEntitlement.get(row.entitlement_id) ?? [];
        chain.push(row);
        byEntitlement.set(row.entitlement_id, chain);
      }
      for (const head of heads) {
        let prev = GENESIS_HASH;
        let expected = 1;
        for (const row of byEntitlement.get(head.id) ?? []) {
          if (row.seq !== expected) return { intact: false, entitlementId: head.id, seq: expected, problem: 'GAP' };
          const canonical = payoutEventCanonical({
            entitlementId: row.entitlement_id,
            seq: row.seq,
            kind: row.kind as string,
            fromStatus: row.from_status as string | null,
            toStatus: row.to_status as string | null,
            instructionId: row.instruction_id as string | null,
            reasonCode: row.reason_code as string | null,
            actor: row.actor as string,
            occurredAt: (row.occurred_at as Date).toISOString(),
            detail: row.detail as Record<string, unknown>,
          });
          if (row.prev_hash !== prev || chainHash(prev, canonical) !== row.hash) return { intact: false, entitlementId: head.id, seq: row.seq, problem: 'HASH_MISMATCH' };
          prev = row.hash;
          expected += 1;
          events += 1;
        }
        if (expected - 1 !== head.history_seq || prev !== head.history_hash) return { intact: false, entitlementId: head.id, seq: expected, problem: 'HEAD_MISMATCH' };
      }
    }
  }
}

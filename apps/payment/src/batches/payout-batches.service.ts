import { AuditTrailService, coversArea, DomainError, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { DISPATCH_CHUNK, InstructionDispatcherService } from '../dispatch/instruction-dispatcher.service';
import { funeralClaimRoute, nextRoute, type FuneralClaimRouteRow, type PayeeAccountRow } from '../payouts/channel-routing';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import { instructionIdFor } from '../payouts/payout-state';

const BATCH_NAMESPACE = '0b7c2e1a-9d4f-5e3b-8a6c-1f2e3d4c5b6a';

export interface BatchView {
  id: string;
  cycleId: string;
  institutionCode: string;
  channel: string;
  status: 'awaiting_approval' | 'dispatched';
  itemCount: number;
  totalDong: string;
  contentHash: string;
  preparedBy: string;
  preparedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

export const BatchErrors = {
  notFound: () => new DomainError('PAYMENT.BATCH_NOT_FOUND', 'Không tìm thấy bảng kê chi trả.', 'not_found'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Bảng kê thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  fourEyes: () => new DomainError('PAYMENT.FOUR_EYES', 'Người lập bảng kê không được tự phê duyệt bảng kê của mình.', 'forbidden'),
  changed: () =>
    new DomainError('PAYMENT.BATCH_CHANGED', 'Bảng kê đã thay đổi sau khi bạn xem: hãy xem lại tổng số và mã kiểm tra rồi phê duyệt lại.', 'conflict'),
  alreadyApproved: () => new DomainError('PAYMENT.BATCH_ALREADY_APPROVED', 'Bảng kê đã được phê duyệt và chuyển cho tổ chức chi trả.', 'conflict'),
  empty: () => new DomainError('PAYMENT.BATCH_EMPTY', 'Bảng kê không còn khoản chi nào để phê duyệt.', 'conflict'),
  cycleClosed: () => new DomainError('PAYMENT.CYCLE_CLOSED', 'Kỳ chi đã khóa sổ.', 'conflict'),
};

/** What an approver approves: every line of the batch, in a fixed order, hashed. */
export function batchContentHash(lines: ReadonlyArray<{ instruction_id: string; amount_dong: string; institution_code: string; account_id: string | null }>): string {
  const hash = createHash('sha256');
  for (const line of [...lines].sort((a, b) => a.instruction_id.localeCompare(b.instruction_id))) {
    hash.update(`${line.instruction_id}|${line.amount_dong}|${line.institution_code}|${line.account_id ?? 'cash'}\n`);
  }
  return hash.digest('hex');
}

/**
 * Maker-checker over payout batches: an officer prepares one batch per paying institution for a
 * cycle; another person approves it by the content hash they were shown; approval dispatches it.
 * Preparing again re-plans what is not yet approved, and a batch whose content changed needs a new
 * approval (its hash no longer matches).
 */
@Injectable()
export class PayoutBatchesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: PayoutLedgerService,
    private readonly dispatcher: InstructionDispatcherService,
    private readonly audit: AuditTrailService,
  ) {}

  async prepare(cycleId: string, principal: Principal): Promise<BatchView[]> {
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const cycle = await this.cycleFor(manager, cycleId, principal);
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`prepare:${cycleId}`]);
      const entitlements: Array<{ id: string; beneficiary_id: string; amount_dong: string } & FuneralClaimRouteRow> = await manager.query(
        `SELECT e.id, e.beneficiary_id, e.amount_dong::text, e.kind, fc.channel AS claim_channel, fc.institution_code AS claim_institution_code,
                fc.account_id AS claim_account_id, fc.account_number_masked AS claim_account_number_masked
           FROM payment.entitlement e LEFT JOIN payment.funeral_claim fc ON fc.entitlement_id = e.id
          WHERE e.cycle_id = $1 AND e.status = 'awaiting_approval' ORDER BY e.id`,
        [cycleId],
      );
      const accounts = await this.accountsOf(manager, entitlements.map((entitlement) => entitlement.beneficiary_id));
      const now = new Date();
      const planned: unknown[][] = [];
      for (const entitlement of entitlements) {
        // a funeral support goes to the claimant the officer recorded, never to the deceased's accounts
        const route = entitlement.kind === 'funeral' ? funeralClaimRoute(entitlement) : nextRoute(accounts.get(entitlement.beneficiary_id) ?? [], new Set(), now);
        const batchId = uuidv5(`${cycleId}/${route.institutionCode}`, BATCH_NAMESPACE);
        planned.push([instructionIdFor(entitlement.id, 1), entitlement.id, batchId, route.channel, route.institutionCode, route.accountId, route.accountNumberMasked, entitlement.amount_dong]);
      }
      const batches = new Map(planned.map((row) => [row[2] as string, { channel: row[3] as string, institution: row[4] as string }]));
      for (const [batchId, { channel, institution }] of batches) {
        await manager.query(
          `INSERT INTO payment.payout_batch (id, cycle_id, institution_code, channel, status, item_count, total_dong, content_hash, prepared_by, prepared_at)
           VALUES ($1, $2, $3, $4, 'awaiting_approval', 0, 0, repeat('0', 64), $5, $6) ON CONFLICT (id) DO NOTHING`,
          [batchId, cycleId, institution, channel, actor, now],
        );
      }
      const newlyPlanned: Array<{ entitlement_id: string }> = [];
      for (let start = 0; start < planned.length; start += DISPATCH_CHUNK) {
        const chunk = planned.slice(start, start + DISPATCH_CHUNK);
        const column = (index: number) => chunk.map((row) => row[index]);
        const rows: Array<{ entitlement_id: string; inserted: boolean }> = await manager.query(
          `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, batch_id, channel, institution_code, account_id, account_number_masked, amount_dong, status)
           SELECT p.instruction_id, p.entitlement_id, 1, p.batch_id, p.channel, p.institution_code, p.account_id, p.account_number_masked, p.amount_dong, 'planned'
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::bigint[])
                  AS p(instruction_id, entitlement_id, batch_id, channel, institution_code, account_id, account_number_masked, amount_dong)
           ON CONFLICT (instruction_id) DO UPDATE SET
             batch_id = excluded.batch_id, channel = excluded.channel, institution_code = excluded.institution_code,
             account_id = excluded.account_id, account_number_masked = excluded.account_number_masked, amount_dong = excluded.amount_dong
             WHERE payout_attempt.status = 'planned'
           RETURNING entitlement_id, (xmax = 0) AS inserted`,
          [0, 1, 2, 3, 4, 5, 6, 7].map(column),
        );
        newlyPlanned.push(...rows.filter((row) => row.inserted));
      }
      await this.ledger.apply(
        manager,
        newlyPlanned.map((row) => ({ entitlementId: row.entitlement_id, kind: 'prepared' as const, actor })),
      );
      await this.refreshBatches(manager, cycleId, actor, now);
      await this.audit.append(manager, {
        actor,
        action: 'BATCHES_PREPARED',
        entityType: 'payout_cycle',
        entityId: cycleId,
        details: { programmeCode: cycle.programme_code, period: cycle.period, planned: planned.length },
      });
    });
    return this.list(cycleId, principal);
  }

  /**
   * The decision and the sending are separate transactions. The decision (batch approved, every line
   * moved in flight under the approver's name) commits first and is all or nothing; the lines are
   * then signed and sent a chunk at a time. Once approved, a line can no longer be re-planned,
   * re-priced or cancelled as unapproved, so what is sent is exactly what was approved. If the
   * process dies in between, the payout sweep sends the rest (PayoutRetriesService).
   */
  async approve(batchId: string, contentHash: string, principal: Principal): Promise<BatchView> {
    const actor = actorOf(principal);
    await this.decide(batchId, contentHash, principal);
    await this.dispatcher.sendApprovedLines(batchId, actor);
    return this.get(batchId, principal);
  }

  /** The approval decision alone: what a crash right after it leaves behind. Exposed for tests. */
  async decide(batchId: string, contentHash: string, principal: Principal): Promise<void> {
    const actor = actorOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const [batch] = await manager.query(`SELECT * FROM payment.payout_batch WHERE id = $1 FOR UPDATE`, [batchId]);
      if (!batch) throw BatchErrors.notFound();
      await this.cycleFor(manager, batch.cycle_id, principal);
      if (batch.status === 'dispatched') {
        // the same approver repeating the same approval gets the same answer; anything else is a conflict
        if (batch.approved_by === actor && batch.approved_hash === contentHash) return;
        throw BatchErrors.alreadyApproved();
      }
      if (subOf(batch.prepared_by) === principal.sub) throw BatchErrors.fourEyes();
      const lines = await this.linesOf(manager, batchId);
      if (lines.length === 0) throw BatchErrors.empty();
      const current = batchContentHash(lines);
      if (current !== batch.content_hash || current !== contentHash) throw BatchErrors.changed();
      const now = new Date();
      await manager.query(
        `UPDATE payment.payout_batch SET status = 'dispatched', approved_by = $2, approved_at = $3, approved_hash = $4 WHERE id = $1`,
        [batchId, actor, now, current],
      );
      await this.audit.append(manager, {
        actor,
        action: 'BATCH_APPROVED',
        entityType: 'payout_batch',
        entityId: batchId,
        details: { institutionCode: batch.institution_code, itemCount: batch.item_count, totalDong: String(batch.total_dong), contentHash: current, preparedBy: batch.prepared_by },
      });
      for (let start = 0; start < lines.length; start += DISPATCH_CHUNK) {
        const chunk = lines.slice(start, start + DISPATCH_CHUNK);
        await this.ledger.apply(
          manager,
          chunk.map((line) => ({
            entitlementId: line.entitlement_id,
            kind: 'approved' as const,
            toStatus: 'in_flight' as const,
            instructionId: line.instruction_id,
            actor,
            detail: { batchId, contentHash: current },
          })),
        );
      }
    });
  }

  async list(cycleId: string, principal: Principal): Promise<BatchView[]> {
    await this.cycleFor(this.dataSource.manager, cycleId, principal);
    const rows = await this.dataSource.query(`SELECT * FROM payment.payout_batch WHERE cycle_id = $1 AND item_count > 0 ORDER BY institution_code`, [cycleId]);
    return rows.map(toView);
  }

  async get(batchId: string, principal: Principal): Promise<BatchView> {
    const [batch] = await this.dataSource.query(`SELECT * FROM payment.payout_batch WHERE id = $1`, [batchId]);
    if (!batch) throw BatchErrors.notFound();
    await this.cycleFor(this.dataSource.manager, batch.cycle_id, principal);
    return toView(batch);
  }

  /** Recomputes count, total and hash of every batch of the cycle still awaiting approval. */
  private async refreshBatches(manager: EntityManager, cycleId: string, actor: string, now: Date): Promise<void> {
    const batches: Array<{ id: string; content_hash: string }> = await manager.query(
      `SELECT id, content_hash FROM payment.payout_batch WHERE cycle_id = $1 AND status = 'awaiting_approval'`,
      [cycleId],
    );
    for (const batch of batches) {
      const lines = await this.linesOf(manager, batch.id);
      const hash = batchContentHash(lines);
      if (hash === batch.content_hash) continue;
      const total = lines.reduce((sum, line) => sum + BigInt(line.amount_dong), 0n);
      await manager.query(
        `UPDATE payment.payout_batch SET item_count = $2, total_dong = $3, content_hash = $4, prepared_by = $5, prepared_at = $6 WHERE id = $1`,
        [batch.id, lines.length, total.toString(), hash, actor, now],
      );
    }
  }

  private linesOf(manager: EntityManager, batchId: string): Promise<Array<{ instruction_id: string; entitlement_id: string; amount_dong: string; institution_code: string; account_id: string | null }>> {
    return manager.query(
      `SELECT a.instruction_id, a.entitlement_id, a.amount_dong::text, a.institution_code, a.account_id
         FROM payment.payout_attempt a JOIN payment.entitlement e ON e.id = a.entitlement_id
        WHERE a.batch_id = $1 AND a.status = 'planned' AND e.status = 'awaiting_approval'
        ORDER BY a.instruction_id`,
      [batchId],
    );
  }

  private async accountsOf(manager: EntityManager, beneficiaryIds: string[]): Promise<Map<string, PayeeAccountRow[]>> {
    const rows: Array<PayeeAccountRow & { beneficiary_id: string }> = await manager.query(
      `SELECT beneficiary_id, account_id, channel, institution_code, account_number_masked, priority, status, payable_from,
              account_number_sealed IS NOT NULL AS has_sealed_number
         FROM payment.payee_account WHERE beneficiary_id = ANY($1::uuid[]) AND status = 'verified'`,
      [beneficiaryIds],
    );
    const byBeneficiary = new Map<string, PayeeAccountRow[]>();
    for (const row of rows) {
      const accounts = byBeneficiary.get(row.beneficiary_id) ?? [];
      accounts.push(row);
      byBeneficiary.set(row.beneficiary_id, accounts);
    }
    return byBeneficiary;
  }

  private async cycleFor(manager: EntityManager, cycleId: string, principal: Principal): Promise<{ programme_code: string; period: string; status: string }> {
    const [cycle] = await manager.query(`SELECT * FROM payment.payout_cycle WHERE id = $1`, [cycleId]);
    if (!cycle) throw new DomainError('PAYMENT.CYCLE_NOT_FOUND', 'Không tìm thấy kỳ chi.', 'not_found');
    if (!coversArea(principal, { provinceCode: cycle.province_code, communeCode: cycle.commune_code })) throw BatchErrors.outOfArea();
    if (cycle.status === 'closed') throw BatchErrors.cycleClosed();
    return cycle;
  }
}

export function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.sub}`;
}

function subOf(actor: string): string {
  return actor.slice(actor.indexOf(':') + 1);
}

function toView(row: Record<string, unknown>): BatchView {
  return {
    id: row.id as string,
    cycleId: row.cycle_id as string,
    institutionCode: row.institution_code as string,
    channel: row.channel as string,
    status: row.status as BatchView['status'],
    itemCount: row.item_count as number,
    totalDong: String(row.total_dong),
    contentHash: (row.content_hash as string).trim(),
    preparedBy: row.prepared_by as string,
    preparedAt: (row.prepared_at as Date).toISOString(),
    approvedBy: (row.approved_by as string | null) ?? null,
    approvedAt: row.approved_at ? (row.approved_at as Date).toISOString() : null,
  };
}

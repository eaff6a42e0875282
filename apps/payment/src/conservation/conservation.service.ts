import { AuditTrailService, coversArea, DomainError, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';

interface Bucket {
  count: number;
  dong: string;
}

export interface ConservationLine {
  communeCode: string;
  entitled: Bucket;
  paid: { bank: Bucket; ewallet: Bucket; cash: Bucket };
  awaitingApproval: Bucket;
  inFlight: Bucket;
  held: Record<string, Bucket>;
  cancelled: Record<string, Bucket>;
  /** entitled − (paid + awaiting + in flight + held + cancelled): must be zero. */
  unexplained: Bucket;
}

export interface ConservationReport {
  cycleId: string;
  cycleStatus: string;
  communes: ConservationLine[];
  total: ConservationLine;
  violations: {
    paidWithoutOneSettlement: number;
    settledButNotPaid: number;
    settledAmountDiffers: number;
    moreThanOneSettlement: number;
    openAfterClose: number;
  };
  balanced: boolean;
}

const empty = (): Bucket => ({ count: 0, dong: '0' });
const add = (bucket: Bucket, count: number, dong: string): Bucket => ({ count: bucket.count + count, dong: (BigInt(bucket.dong) + BigInt(dong)).toString() });

/**
 * The invariant that nothing was lost: for each commune of a cycle, what was owed equals what was
 * paid per channel plus what is still on its way, held with a reason, or cancelled with a reason.
 * Computed from the entitlements and cross-checked against the attempts that carried the money.
 */
@Injectable()
export class ConservationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrailService,
    private readonly ledger: PayoutLedgerService,
  ) {}

  async report(cycleId: string, principal: Principal, manager: EntityManager = this.dataSource.manager): Promise<ConservationReport> {
    const [cycle] = await manager.query(`SELECT * FROM payment.payout_cycle WHERE id = $1`, [cycleId]);
    if (!cycle) throw new DomainError('PAYMENT.CYCLE_NOT_FOUND', 'Không tìm thấy kỳ chi.', 'not_found');
    if (!coversArea(principal, { provinceCode: cycle.province_code, communeCode: cycle.commune_code })) {
      throw new DomainError('AUTH.OUT_OF_AREA', 'Kỳ chi thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden');
    }
    const rows: Array<{ commune_code: string; status: string; paid_channel: string | null; final_reason: string | null; count: number; dong: string }> = await manager.query(
      `SELECT commune_code, status, paid_channel, final_reason, count(*)::int AS count, sum(amount_dong)::text AS dong
         FROM payment.entitlement WHERE cycle_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1`,
      [cycleId],
    );
    const lines = new Map<string, ConservationLine>();
    const total = emptyLine('*');
    for (const row of rows) {
      const line = lines.get(row.commune_code) ?? emptyLine(row.commune_code);
      for (const target of [line, total]) accumulate(target, row);
      lines.set(row.commune_code, line);
    }
    for (const line of [...lines.values(), total]) line.unexplained = unexplained(line);

    // One pass over the cycle's entitlements, each joined to its settled attempts through the attempt key:
    // linear whatever the table statistics say (a CTE read four times was planned as nested loops over
    // 100,000 rows when autovacuum had not analysed the fresh rows yet, and took minutes).
    const [checks] = await manager.query(
      `SELECT
         count(*) FILTER (WHERE p.status = 'paid' AND p.settlements <> 1)::int AS paid_without_one_settlement,
         count(*) FILTER (WHERE p.settlements > 0 AND p.status <> 'paid')::int AS settled_but_not_paid,
         count(*) FILTER (WHERE p.amount_differs)::int AS settled_amount_differs,
         count(*) FILTER (WHERE p.settlements > 1)::int AS more_than_one_settlement,
         count(*) FILTER (WHERE p.cycle_closed AND p.status IN ('awaiting_claim', 'awaiting_approval', 'in_flight'))::int AS open_after_close
         FROM (SELECT e.status, c.status = 'closed' AS cycle_closed,
                      (SELECT count(*) FROM payment.payout_attempt a WHERE a.entitlement_id = e.id AND a.status = 'settled') AS settlements,
                      coalesce((SELECT bool_or(a.amount_dong <> e.amount_dong) FROM payment.payout_attempt a WHERE a.entitlement_id = e.id AND a.status = 'settled'), false) AS amount_differs
                 FROM payment.entitlement e JOIN payment.payout_cycle c ON c.id = e.cycle_id
                WHERE e.cycle_id = $1) p`,
      [cycleId],
    );
    const violations = {
      paidWithoutOneSettlement: checks.paid_without_one_settlement,
      settledButNotPaid: checks.settled_but_not_paid,
      settledAmountDiffers: checks.settled_amount_differs,
      moreThanOneSettlement: checks.more_than_one_settlement,
      openAfterClose: checks.open_after_close,
    };
    const balanced = total.unexplained.count === 0 && total.unexplained.dong === '0' && Object.values(violations).every((count) => count === 0)
      && total.entitled.count === cycle.entitled_count && total.entitled.dong === String(cycle.entitled_dong);
    return { cycleId, cycleStatus: cycle.status, communes: [...lines.values()], total, violations, balanced };
  }

  /** Closes a cycle once every entitlement has a final state (paid, held with a reason, or cancelled with one). */
  async close(cycleId: string, principal: Principal): Promise<ConservationReport> {
    const actor = `${principal.role}:${principal.sub}`;
    return this.dataSource.transaction(async (manager) => {
      const [cycle] = await manager.query(`SELECT status FROM payment.payout_cycle WHERE id = $1 FOR UPDATE`, [cycleId]);
      if (!cycle) throw new DomainError('PAYMENT.CYCLE_NOT_FOUND', 'Không tìm thấy kỳ chi.', 'not_found');
      const report = await this.report(cycleId, principal, manager);
      if (cycle.status === 'closed') return report;
      const open = report.total.awaitingApproval.count + report.total.inFlight.count;
      if (open > 0) {
        throw new DomainError('PAYMENT.CYCLE_HAS_OPEN_PAYOUTS', `Kỳ chi còn ${open} khoản chưa có kết quả cuối cùng, chưa thể khóa sổ.`, 'conflict', { open });
      }
      if (!report.balanced) throw new DomainError('PAYMENT.CYCLE_NOT_BALANCED', 'Số liệu kỳ chi không cân đối, không thể khóa sổ.', 'conflict', { violations: report.violations });
      await manager.query(`UPDATE payment.payout_cycle SET status = 'closed', closed_by = $2, closed_at = now() WHERE id = $1`, [cycleId, actor]);
      await this.audit.append(manager, { actor, action: 'CYCLE_CLOSED', entityType: 'payout_cycle', entityId: cycleId, details: { total: report.total } as unknown as Record<string, unknown> });
      return { ...report, cycleStatus: 'closed' };
    });
  }

  async verifyTrails() {
    const [audit, payouts] = await Promise.all([this.audit.verify(), this.ledger.verify(this.dataSource.manager)]);
    return { intact: audit.intact && payouts.intact, audit, payouts };
  }
}

function emptyLine(communeCode: string): ConservationLine {
  return {
    communeCode,
    entitled: empty(),
    paid: { bank: empty(), ewallet: empty(), cash: empty() },
    awaitingApproval: empty(),
    inFlight: empty(),
    held: {},
    cancelled: {},
    unexplained: empty(),
  };
}

function accumulate(line: ConservationLine, row: { status: string; paid_channel: string | null; final_reason: string | null; count: number; dong: string }): void {
  line.entitled = add(line.entitled, row.count, row.dong);
  switch (row.status) {
    case 'paid': {
      const channel = row.paid_channel as 'bank' | 'ewallet' | 'cash';
      line.paid[channel] = add(line.paid[channel], row.count, row.dong);
      break;
    }
    // a funeral support waiting for its claimant is still owed: it counts as awaiting
    case 'awaiting_claim':
    case 'awaiting_approval':
      line.awaitingApproval = add(line.awaitingApproval, row.count, row.dong);
      break;
    case 'in_flight':
      line.inFlight = add(line.inFlight, row.count, row.dong);
      break;
    case 'held':
      line.held[row.final_reason!] = add(line.held[row.final_reason!] ?? empty(), row.count, row.dong);
      break;
    case 'cancelled':
      line.cancelled[row.final_reason!] = add(line.cancelled[row.final_reason!] ?? empty(), row.count, row.dong);
      break;
  }
}

function unexplained(line: ConservationLine): Bucket {
  const parts = [line.paid.bank, line.paid.ewallet, line.paid.cash, line.awaitingApproval, line.inFlight, ...Object.values(line.held), ...Object.values(line.cancelled)];
  const explained = parts.reduce((sum, part) => add(sum, part.count, part.dong), empty());
  return { count: line.entitled.count - explained.count, dong: (BigInt(line.entitled.dong) - BigInt(explained.dong)).toString() };
}

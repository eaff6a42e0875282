import { AuditTrailService, coversArea, DomainError, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { monthlyAllowance } from '../entitlements/allowance-rules';
import { loadRuleTables, STATUS_BEFORE_CEASE_SQL } from '../entitlements/rule-tables';
import type { CreateCycleDto } from './dto/create-cycle.dto';

const PAGE = 5_000;
/** The actor recorded for cycles the monthly schedule opens (national scope, no person). */
const SCHEDULER: Principal = { sub: 'cycle-scheduler', role: 'admin' };
type ExclusionReason = 'NOT_VERIFIED' | 'SUSPENDED' | 'CEASED' | 'NO_RULE' | 'ALREADY_ENTITLED';

interface PayeeRow {
  beneficiary_id: string;
  category_code: string;
  province_code: string;
  commune_code: string;
  status: string;
  payments_stop_from: string | null;
  /** Only for a ceased payee: the status just before the cease. */
  status_before_cease: string | null;
}

export interface CycleView {
  id: string;
  /** monthly, or a one-off cycle of a funeral support or of a level change's arrears */
  kind: 'monthly' | 'funeral' | 'arrears';
  programmeCode: string;
  provinceCode: string;
  communeCode: string | null;
  period: string;
  entitledCount: number;
  entitledDong: string;
  excludedCount: number;
  exclusions: Partial<Record<ExclusionReason, number>>;
  createdBy: string;
  createdAt: string;
}

/** Why a payee gets nothing this month, or null when the payee is entitled. */
export function exclusionOf(payee: Pick<PayeeRow, 'status' | 'payments_stop_from' | 'status_before_cease'>, firstDayOfPeriod: string): ExclusionReason | null {
  if (payee.payments_stop_from && payee.payments_stop_from <= firstDayOfPeriod) return 'CEASED';
  if (payee.status === 'ceased') {
    if (!payee.payments_stop_from) return 'CEASED';
    // Ceased during the month: paid that month only if the person was being paid when it happened —
    // never someone whose identity the registry had not yet confirmed, nor someone suspended.
    if (payee.status_before_cease === 'active') return null;
    return payee.status_before_cease === 'suspended' ? 'SUSPENDED' : 'NOT_VERIFIED';
  }
  if (payee.status === 'suspended') return 'SUSPENDED';
  if (payee.status !== 'active') return 'NOT_VERIFIED';
  return null;
}

@Injectable()
export class PayoutCyclesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrailService,
  ) {}

  /**
   * Creates the month's cycle for a programme and area and its entitlements, in one transaction.
   * Running it again returns the same cycle; an entitlement already created for the same person,
   * programme and month (by an overlapping cycle) is never created twice — the database refuses it.
   */
  async generate(input: CreateCycleDto, principal: Principal): Promise<{ created: boolean; cycle: CycleView }> {
    if (!coversArea(principal, input)) throw new DomainError('AUTH.OUT_OF_AREA', 'Địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden');
    const actor = `${principal.role}:${principal.sub}`;
    const created = await this.dataSource.transaction(async (manager) => {
      const cycleId = uuidv7();
      const inserted = await manager.query(
        `INSERT INTO payment.payout_cycle (id, programme_code, province_code, commune_code, period, status, entitled_count, entitled_dong, excluded_count, created_by)
         VALUES ($1, $2, $3, $4, $5, 'generated', 0, 0, 0, $6) ON CONFLICT DO NOTHING RETURNING id`,
        [cycleId, input.programmeCode, input.provinceCode, input.communeCode ?? null, input.period, actor],
      );
      if (inserted.length === 0) return false;
      const totals = await this.fill(manager, cycleId, input);
      await this.audit.append(manager, { actor, action: 'CYCLE_GENERATED', entityType: 'payout_cycle', entityId: cycleId, details: { ...input, ...totals } });
      return true;
    });
    const [row] = await this.dataSource.query(
      `SELECT id FROM payment.payout_cycle
        WHERE kind = 'monthly' AND programme_code = $1 AND province_code = $2 AND coalesce(commune_code, '-----') = coalesce($3, '-----') AND period = $4`,
      [input.programmeCode, input.provinceCode, input.communeCode ?? null, input.period],
    );
    return { created, cycle: await this.view(row.id) };
  }

  /**
   * The scheduler's run: one cycle per programme and province that has active payees. Idempotent like
   * generate(): a second run for the month finds the cycles and creates nothing.
   */
  async generateForAllAreas(period: string): Promise<{ areas: number; created: number }> {
    const areas: Array<{ programme_code: string; province_code: string }> = await this.dataSource.query(
      `SELECT DISTINCT programme_code, province_code FROM payment.payee WHERE status = 'active' ORDER BY 1, 2`,
    );
    let created = 0;
    for (const area of areas) {
      const result = await this.generate({ programmeCode: area.programme_code, provinceCode: area.province_code, period }, SCHEDULER);
      if (result.created) created += 1;
    }
    return { areas: areas.length, created };
  }

  async get(id: string, principal: Principal): Promise<CycleView> {
    const cycle = await this.view(id);
    if (!coversArea(principal, { provinceCode: cycle.provinceCode, communeCode: cycle.communeCode })) {
      throw new DomainError('AUTH.OUT_OF_AREA', 'Kỳ chi thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden');
    }
    return cycle;
  }

  private async fill(manager: EntityManager, cycleId: string, input: CreateCycleDto): Promise<{ entitledCount: number; entitledDong: string; excludedCount: number }> {
    const tables = await loadRuleTables(manager, input.programmeCode);
    const firstDay = `${input.period}-01`;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const payees: PayeeRow[] = await manager.query(
        `SELECT beneficiary_id, category_code, province_code, commune_code, status, payments_stop_from::text,
                CASE WHEN status = 'ceased' THEN ${STATUS_BEFORE_CEASE_SQL} END AS status_before_cease
           FROM payment.payee p
          WHERE programme_code = $1 AND province_code = $2 AND ($3::text IS NULL OR commune_code = $3::bpchar) AND beneficiary_id > $4
          ORDER BY beneficiary_id LIMIT ${PAGE}`,
        [input.programmeCode, input.provinceCode, input.communeCode ?? null, after],
      );
      if (payees.length === 0) break;
      after = payees[payees.length - 1].beneficiary_id;

      const exclusions: Array<[string, ExclusionReason]> = [];
      const rows: unknown[][] = [];
      for (const payee of payees) {
        const excluded = exclusionOf(payee, firstDay);
        if (excluded) {
          exclusions.push([payee.beneficiary_id, excluded]);
          continue;
        }
        const allowance = monthlyAllowance(tables, input.programmeCode, payee.province_code, payee.category_code, input.period);
        if (!allowance.ok) {
          exclusions.push([payee.beneficiary_id, 'NO_RULE']);
          continue;
        }
        rows.push([uuidv7(), payee.beneficiary_id, allowance.amountDong.toString(), allowance.levelDong.toString(), allowance.coefficientMilli, payee.province_code, payee.commune_code]);
      }
      if (rows.length > 0) {
        const placed: Array<{ beneficiary_id: string }> = await manager.query(
          `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli, province_code, commune_code, status)
           SELECT r.id, $1, r.beneficiary_id, $2, $3, 'monthly', r.amount_dong, r.level_dong, r.coefficient_milli, r.province_code, r.commune_code, 'awaiting_approval'
             FROM unnest($4::uuid[], $5::uuid[], $6::bigint[], $7::bigint[], $8::int[], $9::text[], $10::text[])
                  AS r(id, beneficiary_id, amount_dong, level_dong, coefficient_milli, province_code, commune_code)
           ON CONFLICT ON CONSTRAINT entitlement_once_per_month DO NOTHING
           RETURNING beneficiary_id`,
          [cycleId, input.programmeCode, input.period, ...[0, 1, 2, 3, 4, 5, 6].map((column) => rows.map((row) => row[column]))],
        );
        const placedIds = new Set(placed.map((row) => row.beneficiary_id));
        for (const row of rows) if (!placedIds.has(row[1] as string)) exclusions.push([row[1] as string, 'ALREADY_ENTITLED']);
      }
      if (exclusions.length > 0) {
        await manager.query(
          `INSERT INTO payment.cycle_exclusion (cycle_id, beneficiary_id, reason_code) SELECT $1, * FROM unnest($2::uuid[], $3::text[])`,
          [cycleId, exclusions.map(([id]) => id), exclusions.map(([, reason]) => reason)],
        );
      }
    }
    await manager.query(
      `UPDATE payment.payout_cycle c SET
          entitled_count = (SELECT count(*) FROM payment.entitlement WHERE cycle_id = c.id),
          entitled_dong = (SELECT coalesce(sum(amount_dong), 0) FROM payment.entitlement WHERE cycle_id = c.id),
          excluded_count = (SELECT count(*) FROM payment.cycle_exclusion WHERE cycle_id = c.id)
        WHERE c.id = $1`,
      [cycleId],
    );
    const [totals] = await manager.query(`SELECT entitled_count, entitled_dong::text, excluded_count FROM payment.payout_cycle WHERE id = $1`, [cycleId]);
    return { entitledCount: totals.entitled_count, entitledDong: totals.entitled_dong, excludedCount: totals.excluded_count };
  }

  private async view(id: string): Promise<CycleView> {
    const [cycle] = await this.dataSource.query(`SELECT * FROM payment.payout_cycle WHERE id = $1`, [id]);
    if (!cycle) throw new DomainError('PAYMENT.CYCLE_NOT_FOUND', 'Không tìm thấy kỳ chi.', 'not_found');
    const reasons: Array<{ reason_code: ExclusionReason; count: number }> = await this.dataSource.query(
      `SELECT reason_code, count(*)::int AS count FROM payment.cycle_exclusion WHERE cycle_id = $1 GROUP BY reason_code ORDER BY reason_code`,
      [id],
    );
    return {
      id: cycle.id,
      kind: cycle.kind,
      programmeCode: cycle.programme_code,
      provinceCode: cycle.province_code,
      communeCode: cycle.commune_code,
      period: cycle.period,
      entitledCount: cycle.entitled_count,
      entitledDong: String(cycle.entitled_dong),
      excludedCount: cycle.excluded_count,
      exclusions: Object.fromEntries(reasons.map((row) => [row.reason_code, row.count])),
      createdBy: cycle.created_by,
      createdAt: cycle.created_at.toISOString(),
    };
  }
}

import { AuditTrailService, DomainError, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { PayoutLedgerService } from '../payouts/payout-ledger.service';
import { arrears, funeralSupport, monthlyAllowance, standardLevel, type RuleTables } from './allowance-rules';
import type { RecordLevelDto } from './dto/record-level.dto';
import { loadFuneralRules, loadRuleTables } from './rule-tables';

const CHUNK = 5_000;

export interface RecomputeResult {
  levelId: string;
  /** entitlements of open cycles (monthly, and funeral supports), not yet approved, whose amount changed */
  recomputed: { count: number; fromDong: string; toDong: string; cycleIds: string[] };
  /** months already paid or in flight at a lower amount: one arrears entitlement each */
  arrears: { count: number; dong: string; cycleIds: string[]; skippedDeceased: number };
}

interface OpenRow {
  id: string;
  cycle_id: string;
  amount_dong: string;
  province_code: string;
  period: string;
  category_code: string;
}

interface PaidRow {
  beneficiary_id: string;
  period: string;
  province_code: string;
  commune_code: string;
  category_code: string;
  deceased: boolean;
  paid_dong: string;
}

/**
 * Dated standard levels recorded by an administrator (a decree or a province's resolution). A level is
 * never edited: a new row is added, and everything it reaches is re-computed in the same transaction —
 * not-yet-approved entitlements of open cycles get the new amount, and months already paid or in flight
 * at a lower amount get an arrears entitlement each, keyed by the level's id so running it again adds
 * nothing.
 */
@Injectable()
export class AllowanceLevelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: PayoutLedgerService,
    private readonly audit: AuditTrailService,
  ) {}

  async record(input: RecordLevelDto, principal: Principal): Promise<RecomputeResult> {
    const actor = `${principal.role}:${principal.sub}`;
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`levels:${input.programmeCode}`]);
      if (input.provinceCode) {
        const national = standardLevel((await loadRuleTables(manager, input.programmeCode)).levels.filter((level) => level.provinceCode === null), input.programmeCode, input.provinceCode, input.effectiveFrom);
        if (national && BigInt(input.amountDong) < national.level.amountDong) {
          throw new DomainError(
            'PAYMENT.LEVEL_BELOW_NATIONAL',
            `Mức riêng của tỉnh chỉ được cao hơn mức chuẩn toàn quốc (${national.level.amountDong.toString()} đồng từ ${national.level.effectiveFrom}).`,
            'unprocessable',
          );
        }
      }
      const [row] = await manager.query(
        `INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`,
        [input.programmeCode, input.provinceCode ?? null, input.effectiveFrom, input.amountDong, input.legalBasis, actor],
      );
      await this.audit.append(manager, { actor, action: 'ALLOWANCE_LEVEL_RECORDED', entityType: 'allowance_standard_level', entityId: row.id, details: { ...input } });
      return this.recomputeIn(manager, row.id, actor);
    });
  }

  /** Runs the re-computation of a recorded level again (after more months were paid, or to check); adds nothing twice. */
  async recompute(levelId: string, principal: Principal): Promise<RecomputeResult> {
    const actor = `${principal.role}:${principal.sub}`;
    return this.dataSource.transaction(async (manager) => {
      const [level] = await manager.query(`SELECT programme_code FROM payment.allowance_standard_level WHERE id = $1`, [levelId]);
      if (!level) throw new DomainError('PAYMENT.LEVEL_NOT_FOUND', 'Không tìm thấy mức chuẩn.', 'not_found');
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`levels:${level.programme_code}`]);
      return this.recomputeIn(manager, levelId, actor);
    });
  }

  async list(programmeCode: string) {
    const rows = await this.dataSource.query(
      `SELECT id::text, programme_code, province_code, effective_from::text, amount_dong::text, legal_basis, recorded_by, recorded_at
         FROM payment.allowance_standard_level WHERE programme_code = $1 ORDER BY effective_from, id`,
      [programmeCode],
    );
    return rows.map((row: Record<string, unknown>) => ({
      id: row.id,
      programmeCode: row.programme_code,
      provinceCode: row.province_code,
      effectiveFrom: row.effective_from,
      amountDong: row.amount_dong,
      legalBasis: row.legal_basis,
      recordedBy: row.recorded_by,
      recordedAt: (row.recorded_at as Date).toISOString(),
    }));
  }

  private async recomputeIn(manager: EntityManager, levelId: string, actor: string): Promise<RecomputeResult> {
    const [level] = await manager.query(`SELECT programme_code, province_code, effective_from::text FROM payment.allowance_standard_level WHERE id = $1`, [levelId]);
    const programmeCode: string = level.programme_code;
    const fromMonth = (level.effective_from as string).slice(0, 7);
    const tables = await loadRuleTables(manager, programmeCode);
    const recomputed = await this.recomputeOpen(manager, tables, programmeCode, level.province_code, fromMonth, levelId, actor);
    const owed = await this.createArrears(manager, tables, programmeCode, level.province_code, fromMonth, levelId, actor);
    const result = { levelId, recomputed, arrears: owed };
    await this.audit.append(manager, {
      actor,
      action: 'ALLOWANCE_RECOMPUTED',
      entityType: 'allowance_standard_level',
      entityId: levelId,
      details: { recomputed: recomputed.count, recomputedToDong: recomputed.toDong, arrears: owed.count, arrearsDong: owed.dong, skippedDeceased: owed.skippedDeceased },
    });
    return result;
  }

  /**
   * Not yet approved means not yet promised to anyone: the amount simply follows the rule. A batch
   * already prepared for them no longer matches its hash, so its approval is refused until the officer
   * prepares it again and a supervisor approves the new totals.
   */
  private async recomputeOpen(manager: EntityManager, tables: RuleTables, programmeCode: string, provinceCode: string | null, fromMonth: string, levelId: string, actor: string) {
    const rows: OpenRow[] = await manager.query(
      `SELECT e.id, e.cycle_id, e.amount_dong::text, e.province_code, e.period, p.category_code
         FROM payment.entitlement e
         JOIN payment.payout_cycle c ON c.id = e.cycle_id
         JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id
        WHERE e.programme_code = $1 AND e.kind = 'monthly' AND e.status = 'awaiting_approval' AND c.status = 'generated'
          AND e.period >= $2 AND ($3::text IS NULL OR e.province_code = $3::bpchar)
        ORDER BY e.id`,
      [programmeCode, fromMonth, provinceCode],
    );
    const changes: Array<{ row: Pick<OpenRow, 'id' | 'cycle_id' | 'amount_dong'>; amount: bigint; level: bigint; coefficient: number }> = [];
    for (const row of rows) {
      const now = monthlyAllowance(tables, programmeCode, row.province_code, row.category_code, row.period);
      if (now.ok && now.amountDong !== BigInt(row.amount_dong)) changes.push({ row, amount: now.amountDong, level: now.levelDong, coefficient: now.coefficientMilli });
    }
    // a funeral support not yet approved follows the level in force on the date of death, like a month does
    const funerals: Array<Pick<OpenRow, 'id' | 'cycle_id' | 'amount_dong' | 'province_code'> & { date_of_death: string | null }> = await manager.query(
      `SELECT e.id, e.cycle_id, e.amount_dong::text, e.province_code,
              (SELECT s.effective_date::text FROM payment.payee_status_change s
                WHERE s.beneficiary_id = e.beneficiary_id AND s.to_status = 'ceased' AND s.reason_code = 'DECEASED'
                ORDER BY s.occurred_at DESC, s.event_id DESC LIMIT 1) AS date_of_death
         FROM payment.entitlement e JOIN payment.payout_cycle c ON c.id = e.cycle_id
        WHERE e.programme_code = $1 AND e.kind = 'funeral' AND e.status IN ('awaiting_claim', 'awaiting_approval') AND c.status = 'generated'
          AND e.period >= $2 AND ($3::text IS NULL OR e.province_code = $3::bpchar)
        ORDER BY e.id`,
      [programmeCode, fromMonth, provinceCode],
    );
    const funeralRules = funerals.length > 0 ? await loadFuneralRules(manager, programmeCode) : [];
    for (const row of funerals) {
      if (!row.date_of_death) continue;
      const now = funeralSupport(tables.levels, funeralRules, programmeCode, row.province_code, row.date_of_death);
      if (now.ok && now.amountDong !== BigInt(row.amount_dong)) changes.push({ row, amount: now.amountDong, level: now.levelDong, coefficient: now.levelMultiple * 1000 });
    }
    let fromDong = 0n;
    let toDong = 0n;
    for (let start = 0; start < changes.length; start += CHUNK) {
      const chunk = changes.slice(start, start + CHUNK);
      await this.ledger.apply(
        manager,
        chunk.map(({ row, amount, level }) => ({
          entitlementId: row.id,
          kind: 'recomputed' as const,
          actor,
          detail: { levelId, fromDong: row.amount_dong, toDong: amount.toString(), levelDong: level.toString() },
        })),
      );
      const ids = chunk.map(({ row }) => row.id);
      const amounts = chunk.map(({ amount }) => amount.toString());
      await manager.query(
        `UPDATE payment.entitlement e SET amount_dong = u.amount_dong, level_dong = u.level_dong, coefficient_milli = u.coefficient_milli
           FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::int[]) AS u(id, amount_dong, level_dong, coefficient_milli) WHERE e.id = u.id`,
        [ids, amounts, chunk.map(({ level }) => level.toString()), chunk.map(({ coefficient }) => coefficient)],
      );
      // a line already planned in a batch carries the amount too; the batch's hash now differs from what was shown
      await manager.query(
        `UPDATE payment.payout_attempt a SET amount_dong = u.amount_dong
           FROM unnest($1::uuid[], $2::bigint[]) AS u(entitlement_id, amount_dong) WHERE a.entitlement_id = u.entitlement_id AND a.status = 'planned'`,
        [ids, amounts],
      );
      for (const { row, amount } of chunk) {
        fromDong += BigInt(row.amount_dong);
        toDong += amount;
      }
    }
    const cycleIds = [...new Set(changes.map(({ row }) => row.cycle_id))].sort();
    await refreshCycleTotals(manager, cycleIds);
    return { count: changes.length, fromDong: fromDong.toString(), toDong: toDong.toString(), cycleIds };
  }

  /**
   * What a month paid (or on its way) at the old level still owes: the new amount minus the monthly
   * payment and any earlier arrears for that month. Paid in cycles of their own, one per province and
   * level. A deceased beneficiary's arrears are not sent to a frozen account: they are counted, and left
   * to the heirs' claim.
   */
  private async createArrears(manager: EntityManager, tables: RuleTables, programmeCode: string, provinceCode: string | null, fromMonth: string, levelId: string, actor: string) {
    const rows: PaidRow[] = await manager.query(
      `SELECT m.beneficiary_id, m.period, m.province_code, m.commune_code, p.category_code,
              (p.status = 'ceased' AND p.cease_reason = 'DECEASED') AS deceased,
              (m.amount_dong + coalesce((SELECT sum(a.amount_dong) FROM payment.entitlement a
                 WHERE a.beneficiary_id = m.beneficiary_id AND a.programme_code = m.programme_code AND a.period = m.period
                   AND a.kind = 'arrears' AND a.status <> 'cancelled'), 0))::text AS paid_dong
         FROM payment.entitlement m JOIN payment.payee p ON p.beneficiary_id = m.beneficiary_id
        WHERE m.programme_code = $1 AND m.kind = 'monthly' AND m.status IN ('paid', 'in_flight')
          AND m.period >= $2 AND ($3::text IS NULL OR m.province_code = $3::bpchar)
        ORDER BY m.province_code, m.beneficiary_id, m.period`,
      [programmeCode, fromMonth, provinceCode],
    );
    let skippedDeceased = 0;
    const owedByProvince = new Map<string, unknown[][]>();
    for (const row of rows) {
      const [owed] = arrears(tables, programmeCode, row.province_code, row.category_code, [{ month: row.period, paidDong: BigInt(row.paid_dong) }]);
      if (!owed) continue;
      if (row.deceased) {
        skippedDeceased += 1;
        continue;
      }
      const now = monthlyAllowance(tables, programmeCode, row.province_code, row.category_code, row.period);
      if (!now.ok) continue;
      const list = owedByProvince.get(row.province_code) ?? [];
      list.push([uuidv7(), row.beneficiary_id, row.period, owed.owedDong.toString(), now.levelDong.toString(), now.coefficientMilli, row.commune_code, row.paid_dong]);
      owedByProvince.set(row.province_code, list);
    }
    let count = 0;
    let dong = 0n;
    const cycleIds: string[] = [];
    for (const [province, owed] of owedByProvince) {
      await manager.query(
        `INSERT INTO payment.payout_cycle (id, kind, one_off_key, programme_code, province_code, commune_code, period, status, entitled_count, entitled_dong, excluded_count, created_by)
         VALUES ($1, 'arrears', $2, $3, $4, NULL, $5, 'generated', 0, 0, 0, $6) ON CONFLICT (one_off_key) DO NOTHING`,
        [uuidv7(), `arrears:${levelId}:${province}`, programmeCode, province, fromMonth, actor],
      );
      const [cycle] = await manager.query(`SELECT id, status FROM payment.payout_cycle WHERE one_off_key = $1`, [`arrears:${levelId}:${province}`]);
      // a closed arrears cycle of this level takes nothing more; running again after closing adds nothing
      if (cycle.status !== 'generated') continue;
      for (let start = 0; start < owed.length; start += CHUNK) {
        const chunk = owed.slice(start, start + CHUNK);
        const column = (index: number) => chunk.map((row) => row[index]);
        const inserted: Array<{ id: string; amount_dong: string; period: string }> = await manager.query(
          `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli, province_code, commune_code, status, arrears_rule_id)
           SELECT r.id, $1, r.beneficiary_id, $2, r.period, 'arrears', r.amount_dong, r.level_dong, r.coefficient_milli, $3, r.commune_code, 'awaiting_approval', $4
             FROM unnest($5::uuid[], $6::uuid[], $7::text[], $8::bigint[], $9::bigint[], $10::int[], $11::text[])
                  AS r(id, beneficiary_id, period, amount_dong, level_dong, coefficient_milli, commune_code)
           ON CONFLICT ON CONSTRAINT entitlement_once_per_month DO NOTHING
           RETURNING id, amount_dong::text, period`,
          [cycle.id, programmeCode, province, levelId, ...[0, 1, 2, 3, 4, 5, 6].map(column)],
        );
        const paidBy = new Map(chunk.map((row) => [row[0] as string, row[7] as string]));
        await this.ledger.apply(
          manager,
          inserted.map((row) => ({ entitlementId: row.id, kind: 'opened' as const, actor, detail: { levelId, period: row.period, alreadyPaidDong: paidBy.get(row.id), owedDong: row.amount_dong } })),
        );
        count += inserted.length;
        for (const row of inserted) dong += BigInt(row.amount_dong);
      }
      cycleIds.push(cycle.id);
    }
    await refreshCycleTotals(manager, cycleIds);
    return { count, dong: dong.toString(), cycleIds: cycleIds.sort(), skippedDeceased };
  }
}

async function refreshCycleTotals(manager: EntityManager, cycleIds: readonly string[]): Promise<void> {
  if (cycleIds.length === 0) return;
  await manager.query(
    `UPDATE payment.payout_cycle c SET
        entitled_count = (SELECT count(*) FROM payment.entitlement WHERE cycle_id = c.id),
        entitled_dong = (SELECT coalesce(sum(amount_dong), 0) FROM payment.entitlement WHERE cycle_id = c.id)
      WHERE c.id = ANY($1::uuid[])`,
    [cycleIds],
  );
}

import type { EntityManager } from 'typeorm';
import type { FuneralRule, RuleTables } from './allowance-rules';

/** The dated rule tables of one programme as stored (the migrations' seeds plus every recorded change). */
export async function loadRuleTables(manager: EntityManager, programmeCode: string): Promise<RuleTables> {
  const levels: Array<{ id: string; province_code: string | null; effective_from: string; amount_dong: string }> = await manager.query(
    `SELECT id, province_code, effective_from::text, amount_dong::text FROM payment.allowance_standard_level WHERE programme_code = $1`,
    [programmeCode],
  );
  const coefficients: Array<{ category_code: string; effective_from: string; coefficient_milli: number }> = await manager.query(
    `SELECT category_code, effective_from::text, coefficient_milli FROM payment.allowance_coefficient WHERE programme_code = $1`,
    [programmeCode],
  );
  return {
    levels: levels.map((row) => ({ programmeCode, provinceCode: row.province_code, effectiveFrom: row.effective_from, amountDong: BigInt(row.amount_dong), version: Number(row.id) })),
    coefficients: coefficients.map((row) => ({ programmeCode, categoryCode: row.category_code, effectiveFrom: row.effective_from, coefficientMilli: row.coefficient_milli })),
  };
}

export async function loadFuneralRules(manager: EntityManager, programmeCode: string): Promise<FuneralRule[]> {
  const rows: Array<{ effective_from: string; level_multiple: number }> = await manager.query(
    `SELECT effective_from::text, level_multiple FROM payment.funeral_support_rule WHERE programme_code = $1`,
    [programmeCode],
  );
  return rows.map((row) => ({ programmeCode, effectiveFrom: row.effective_from, levelMultiple: row.level_multiple }));
}

/**
 * The status a payee had just before ceasing: the latest non-cease change, else the status it was
 * registered with. SQL fragment over `payment.payee p`.
 */
export const STATUS_BEFORE_CEASE_SQL = `coalesce(
  (SELECT c.to_status FROM payment.payee_status_change c
    WHERE c.beneficiary_id = p.beneficiary_id AND c.to_status <> 'ceased'
    ORDER BY c.occurred_at DESC, c.event_id DESC LIMIT 1),
  p.registered_status)`;

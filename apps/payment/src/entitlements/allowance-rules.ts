/**
 * Monthly allowance = standard level × coefficient of the beneficiary's category
 * (Decree 20/2021/NĐ-CP; level 360,000 đồng from 1 Jul 2021, 500,000 from 1 Jul 2024 by Decree
 * 76/2024/NĐ-CP; a province may set a higher level). Both are dated tables: the rule in force on the
 * first day of a month decides that month. Money is whole đồng in bigint; coefficients are kept in
 * thousandths so 1.5 is 1500 and no floating point touches an amount.
 */
export interface StandardLevel {
  programmeCode: string;
  /** null: the national level; a code: that province's own (higher) level. */
  provinceCode: string | null;
  effectiveFrom: string;
  amountDong: bigint;
  /** The row id: a later recorded row for the same date corrects an earlier one (history is never edited). */
  version?: number;
}

export interface CategoryCoefficient {
  programmeCode: string;
  categoryCode: string;
  effectiveFrom: string;
  coefficientMilli: number;
}

export interface RuleTables {
  levels: readonly StandardLevel[];
  coefficients: readonly CategoryCoefficient[];
}

export type AllowanceResult =
  | { ok: true; amountDong: bigint; levelDong: bigint; coefficientMilli: number; levelSource: 'national' | 'province'; levelVersion: number | null }
  | { ok: false; reason: 'NO_STANDARD_LEVEL' | 'NO_COEFFICIENT' };

function latestInForce<T extends { effectiveFrom: string; version?: number }>(rows: readonly T[], day: string): T | undefined {
  let best: T | undefined;
  for (const row of rows) {
    if (row.effectiveFrom > day) continue;
    if (!best || row.effectiveFrom > best.effectiveFrom || (row.effectiveFrom === best.effectiveFrom && (row.version ?? 0) > (best.version ?? 0))) best = row;
  }
  return best;
}

/** The standard level in force on a day for a province: its own when higher than the national one. */
export function standardLevel(levels: readonly StandardLevel[], programmeCode: string, provinceCode: string, day: string): { level: StandardLevel; source: 'national' | 'province' } | null {
  const ofProgramme = levels.filter((level) => level.programmeCode === programmeCode);
  const national = latestInForce(ofProgramme.filter((level) => level.provinceCode === null), day);
  const provincial = latestInForce(ofProgramme.filter((level) => level.provinceCode === provinceCode), day);
  // A province may only raise the level; a stale provincial row below the national level yields to it.
  if (provincial && (!national || provincial.amountDong >= national.amountDong)) return { level: provincial, source: 'province' };
  return national ? { level: national, source: 'national' } : null;
}

/** Multiplies đồng by a coefficient in thousandths, rounding half up to a whole đồng. */
export function applyCoefficient(amountDong: bigint, coefficientMilli: number): bigint {
  if (!Number.isInteger(coefficientMilli) || coefficientMilli < 0) throw new RangeError(`coefficient must be whole thousandths: ${coefficientMilli}`);
  return (amountDong * BigInt(coefficientMilli) + 500n) / 1000n;
}

/** The allowance for one month (`YYYY-MM`) of a programme, province and category. */
export function monthlyAllowance(tables: RuleTables, programmeCode: string, provinceCode: string, categoryCode: string, month: string): AllowanceResult {
  const firstDay = `${month}-01`;
  const inForce = standardLevel(tables.levels, programmeCode, provinceCode, firstDay);
  if (!inForce) return { ok: false, reason: 'NO_STANDARD_LEVEL' };
  const { level } = inForce;
  const coefficient = latestInForce(
    tables.coefficients.filter((row) => row.programmeCode === programmeCode && row.categoryCode === categoryCode),
    firstDay,
  );
  if (!coefficient) return { ok: false, reason: 'NO_COEFFICIENT' };
  return {
    ok: true,
    amountDong: applyCoefficient(level.amountDong, coefficient.coefficientMilli),
    levelDong: level.amountDong,
    coefficientMilli: coefficient.coefficientMilli,
    levelSource: inForce.source,
    levelVersion: level.version ?? null,
  };
}

export interface PaidMonth {
  month: string;
  paidDong: bigint;
}

/**
 * What is still owed when a rule change reaches back over months already paid (a decree published
 * after its effective date): for each paid month, the new amount minus what was paid, when positive.
 * A lower new amount is never clawed back here; recovering overpayment is a separate, reviewed act.
 */
export function arrears(tables: RuleTables, programmeCode: string, provinceCode: string, categoryCode: string, paid: readonly PaidMonth[]) {
  return paid.flatMap(({ month, paidDong }) => {
    const now = monthlyAllowance(tables, programmeCode, provinceCode, categoryCode, month);
    return now.ok && now.amountDong > paidDong ? [{ month, owedDong: now.amountDong - paidDong }] : [];
  });
}

export interface FuneralRule {
  programmeCode: string;
  effectiveFrom: string;
  levelMultiple: number;
}

/**
 * Funeral support (Decree 20/2021/NĐ-CP Art. 11): a multiple (20) of the standard level in force, for
 * the province, on the date of death — 10,000,000 đồng for a death on or after 1 Jul 2024. A programme
 * without a funeral rule (people with meritorious service have their own funeral rules) gets none.
 */
export function funeralSupport(levels: readonly StandardLevel[], rules: readonly FuneralRule[], programmeCode: string, provinceCode: string, dateOfDeath: string) {
  const rule = latestInForce(rules.filter((row) => row.programmeCode === programmeCode), dateOfDeath);
  if (!rule) return { ok: false as const, reason: 'NO_FUNERAL_RULE' as const };
  const inForce = standardLevel(levels, programmeCode, provinceCode, dateOfDeath);
  if (!inForce) return { ok: false as const, reason: 'NO_STANDARD_LEVEL' as const };
  return { ok: true as const, amountDong: inForce.level.amountDong * BigInt(rule.levelMultiple), levelDong: inForce.level.amountDong, levelMultiple: rule.levelMultiple };
}

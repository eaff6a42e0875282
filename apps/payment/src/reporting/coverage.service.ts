import { COMMUNES_2025, maskCccd, PROVINCES_2025 } from '@app/contracts';
import type { Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addCounts, type CoverageCounts, type CoverageFigures, toFigures, ZERO_COUNTS } from './coverage-figures';
import type { CoverageQueryDto, CoverageTrendQueryDto, NotCashlessQueryDto, RefreshCoverageDto } from './dto/coverage-query.dto';
import { ReportingErrors } from './reporting.errors';

export interface Scope {
  provinceCode?: string;
  communeCode?: string;
}

export interface CoverageArea extends CoverageFigures {
  provinceCode: string;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
  legacyDistrictCode: string | null;
}

export interface CoverageReport {
  period: string;
  programmeCode: string | null;
  scope: Scope;
  groupBy: 'province' | 'commune' | 'district';
  refreshedAt: string | null;
  total: CoverageFigures;
  areas: CoverageArea[];
}

/** Row of an export: one commune (and legacy district) of one programme, every figure. */
export interface CoverageExportRow extends CoverageArea {
  period: string;
  programmeCode: string;
}

const SUMS = `
  sum(beneficiaries)::int AS beneficiaries, sum(paid)::int AS paid, sum(paid_cashless)::int AS paid_cashless,
  sum(amount_paid_dong)::text AS amount_paid_dong, sum(amount_cashless_dong)::text AS amount_cashless_dong,
  sum(account_ready)::int AS account_ready, sum(not_yet_paid)::int AS not_yet_paid,
  sum(cash_bank_rejected)::int AS cash_bank_rejected, sum(cash_chose_cash)::int AS cash_chose_cash, sum(cash_name_mismatch)::int AS cash_name_mismatch,
  sum(cash_account_pending)::int AS cash_account_pending, sum(cash_no_account)::int AS cash_no_account,
  max(refreshed_at) AS refreshed_at`;

// $1 period (or range start), $2 programme, $3 province, $4 commune; the caller's scope is already folded in
const FILTER = `($2::text IS NULL OR programme_code = $2) AND ($3::text IS NULL OR province_code = $3::bpchar) AND ($4::text IS NULL OR commune_code = $4::bpchar)`;

const GROUP_COLUMNS = {
  province: 'province_code, NULL::text AS commune_code, NULL::text AS legacy_district_code',
  commune: 'province_code, commune_code, NULL::text AS legacy_district_code',
  district: 'province_code, NULL::text AS commune_code, legacy_district_code',
} as const;

/**
 * Cashless coverage for the caller's area, read from payment.coverage_summary (refreshed per period
 * and province; see docs/reporting.md). Officers see their province or commune, auditors and admins
 * the nation; a filter may narrow the caller's area, never widen it.
 */
@Injectable()
export class CoverageService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async coverage(query: CoverageQueryDto, principal: Principal): Promise<CoverageReport> {
    const scope = scopeOf(principal, query);
    const groupBy = query.groupBy ?? (scope.provinceCode ? 'commune' : 'province');
    if (groupBy === 'district' && query.period >= '2025-07') throw ReportingErrors.districtAfterReform();
    const columns = GROUP_COLUMNS[groupBy];
    const rows: SumRow[] = await this.dataSource.query(
      `SELECT ${columns}, ${SUMS} FROM payment.coverage_summary
        WHERE period = $1 AND ${FILTER}
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [query.period, query.programmeCode ?? null, scope.provinceCode ?? null, scope.communeCode ?? null],
    );
    const areas = rows.map((row) => toArea(row));
    const total = rows.map(toCounts).reduce(addCounts, ZERO_COUNTS);
    const refreshed = rows.map((row) => row.refreshed_at).filter((at): at is Date => at !== null);
    return {
      period: query.period,
      programmeCode: query.programmeCode ?? null,
      scope,
      groupBy,
      refreshedAt: refreshed.length ? new Date(Math.min(...refreshed.map((at) => at.getTime()))).toISOString() : null,
      total: toFigures(total),
      areas,
    };
  }

  async trend(query: CoverageTrendQueryDto, principal: Principal): Promise<{ scope: Scope; months: Array<CoverageFigures & { period: string }> }> {
    if (query.from > query.to || monthsBetween(query.from, query.to) > 60) throw ReportingErrors.trendRange();
    const scope = scopeOf(principal, query);
    const rows: Array<SumRow & { period: string }> = await this.dataSource.query(
      `SELECT period, ${SUMS} FROM payment.coverage_summary
        WHERE period BETWEEN $1 AND $5 AND ${FILTER}
        GROUP BY period ORDER BY period`,
      [query.from, query.programmeCode ?? null, scope.provinceCode ?? null, scope.communeCode ?? null, query.to],
    );
    return { scope, months: rows.map((row) => ({ period: row.period, ...toFigures(toCounts(row)) })) };
  }

  /** Every commune (and legacy district) × programme of the caller's area, for CSV and Excel. */
  async exportRows(query: CoverageQueryDto, principal: Principal): Promise<CoverageExportRow[]> {
    const scope = scopeOf(principal, query);
    const rows: Array<SumRow & { programme_code: string }> = await this.dataSource.query(
      `SELECT province_code, commune_code, legacy_district_code, programme_code, ${SUMS} FROM payment.coverage_summary
        WHERE period = $1 AND ${FILTER}
        GROUP BY province_code, commune_code, legacy_district_code, programme_code
        ORDER BY province_code, commune_code, legacy_district_code, programme_code`,
      [query.period, query.programmeCode ?? null, scope.provinceCode ?? null, scope.communeCode ?? null],
    );
    return rows.map((row) => ({ period: query.period, programmeCode: row.programme_code, ...toArea(row) }));
  }

  /**
   * The people of one commune paid in cash in the month, with the reason: the officers' work list.
   * CCCD and name are masked; the full record is one click away in the beneficiary service.
   */
  async notCashless(query: NotCashlessQueryDto, principal: Principal) {
    const scope = scopeOf(principal, { communeCode: query.communeCode });
    const rows: NotCashlessRow[] = await this.dataSource.query(
      `SELECT v.beneficiary_id, p.cccd, p.full_name, v.programme_code, v.legacy_district_code,
              sum(v.amount_dong)::text AS cash_amount_dong,
              (array_agg(v.cash_reason ORDER BY CASE v.cash_reason WHEN 'bank_rejected' THEN 1 WHEN 'chose_cash' THEN 2 WHEN 'name_mismatch' THEN 3
                                                  WHEN 'account_pending' THEN 4 ELSE 5 END))[1] AS cash_reason,
              max(v.bank_reason_code) AS bank_reason_code, bool_or(v.account_ready) AS account_ready
         FROM payment.coverage_entitlement_v v JOIN payment.payee p ON p.beneficiary_id = v.beneficiary_id
        WHERE v.period = $1 AND v.province_code = $2 AND v.commune_code = $3 AND ($4::text IS NULL OR v.programme_code = $4)
          AND v.cash_reason IS NOT NULL AND ($5::uuid IS NULL OR v.beneficiary_id > $5)
        GROUP BY v.beneficiary_id, p.cccd, p.full_name, v.programme_code, v.legacy_district_code
        ORDER BY v.beneficiary_id LIMIT 201`,
      [query.period, scope.provinceCode ?? COMMUNES_2025[query.communeCode]?.[0] ?? null, query.communeCode, query.programmeCode ?? null, query.after ?? null],
    );
    const items = rows.slice(0, 200).map((row) => ({
      beneficiaryId: row.beneficiary_id,
      cccdMasked: maskCccd(row.cccd),
      nameMasked: maskPersonName(row.full_name),
      programmeCode: row.programme_code,
      legacyDistrictCode: row.legacy_district_code,
      cashAmountDong: row.cash_amount_dong,
      reason: row.cash_reason.toUpperCase(),
      bankReasonCode: row.bank_reason_code,
      accountReady: row.account_ready,
    }));
    return { period: query.period, communeCode: query.communeCode, items, next: rows.length > 200 ? items[items.length - 1].beneficiaryId : null };
  }

  /** Recomputes the summary of a month for the provinces in the caller's area; answers what changed. */
  async refresh(input: RefreshCoverageDto, principal: Principal): Promise<{ period: string; provinceCode: string | null; areas: number; refreshedAt: string }> {
    const scope = scopeOf(principal, { provinceCode: input.provinceCode });
    const [{ refresh_coverage: areas }] = await this.dataSource.query(`SELECT payment.refresh_coverage($1, $2) AS refresh_coverage`, [input.period, scope.provinceCode ?? null]);
    return { period: input.period, provinceCode: scope.provinceCode ?? null, areas, refreshedAt: new Date().toISOString() };
  }
}

/**
 * The area a request may read: the caller's own, narrowed by the request. A commune implies its
 * province; asking for anything outside the caller's area is refused rather than silently emptied.
 */
export function scopeOf(principal: Principal, requested: Scope): Scope {
  const communeProvince = requested.communeCode ? COMMUNES_2025[requested.communeCode]?.[0] : undefined;
  if (requested.communeCode && requested.provinceCode && communeProvince !== requested.provinceCode) throw ReportingErrors.communeOutsideProvince();
  const provinceCode = requested.provinceCode ?? communeProvince ?? principal.provinceCode;
  const communeCode = requested.communeCode ?? principal.communeCode;
  if (principal.provinceCode && provinceCode !== principal.provinceCode) throw ReportingErrors.outOfArea();
  if (principal.communeCode && communeCode !== principal.communeCode) throw ReportingErrors.outOfArea();
  return { ...(provinceCode ? { provinceCode } : {}), ...(communeCode ? { communeCode } : {}) };
}

/** "Nguyễn Thị Đào" → "Nguyễn T. Đ.": enough for a commune officer who knows the person, not for a list that leaks. */
export function maskPersonName(name: string | null): string {
  if (!name) return '—';
  const [family, ...rest] = name.normalize('NFC').trim().split(/\s+/);
  return [family, ...rest.map((word) => `${[...word][0]}.`)].join(' ');
}

interface SumRow {
  province_code: string;
  commune_code: string | null;
  legacy_district_code: string | null;
  beneficiaries: number;
  paid: number;
  paid_cashless: number;
  amount_paid_dong: string | null;
  amount_cashless_dong: string | null;
  account_ready: number;
  not_yet_paid: number;
  cash_bank_rejected: number;
  cash_chose_cash: number;
  cash_name_mismatch: number;
  cash_account_pending: number;
  cash_no_account: number;
  refreshed_at: Date | null;
}

interface NotCashlessRow {
  beneficiary_id: string;
  cccd: string;
  full_name: string | null;
  programme_code: string;
  legacy_district_code: string | null;
  cash_amount_dong: string;
  cash_reason: string;
  bank_reason_code: string | null;
  account_ready: boolean;
}

function toCounts(row: SumRow): CoverageCounts {
  return {
    beneficiaries: row.beneficiaries ?? 0,
    paid: row.paid ?? 0,
    paidCashless: row.paid_cashless ?? 0,
    amountPaidDong: BigInt(row.amount_paid_dong ?? 0),
    amountCashlessDong: BigInt(row.amount_cashless_dong ?? 0),
    accountReady: row.account_ready ?? 0,
    notYetPaid: row.not_yet_paid ?? 0,
    cashBankRejected: row.cash_bank_rejected ?? 0,
    cashChoseCash: row.cash_chose_cash ?? 0,
    cashNameMismatch: row.cash_name_mismatch ?? 0,
    cashAccountPending: row.cash_account_pending ?? 0,
    cashNoAccount: row.cash_no_account ?? 0,
  };
}

function toArea(row: SumRow): CoverageArea {
  const provinceCode = row.province_code.trim();
  const communeCode = row.commune_code?.trim() ?? null;
  return {
    provinceCode,
    provinceName: PROVINCES_2025[provinceCode] ?? null,
    communeCode,
    communeName: communeCode ? (COMMUNES_2025[communeCode]?.[1] ?? null) : null,
    legacyDistrictCode: row.legacy_district_code?.trim() ?? null,
    ...toFigures(toCounts(row)),
  };
}

function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm) + 1;
}

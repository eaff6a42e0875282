import { maskCccd } from '@app/contracts';
import { DomainError, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import type { PayoutQueryDto } from './dto/payout-query.dto';

export interface PayoutSummary {
  entitlementId: string;
  beneficiaryId: string;
  cccdMasked: string;
  programmeCode: string;
  period: string;
  kind: string;
  amountDong: string;
  provinceCode: string;
  communeCode: string;
  cycleId: string | null;
  status: string;
  paidChannel: string | null;
  finalReason: string | null;
  lastInstitutionCode: string | null;
  attempts: number;
}

const CSV_COLUMNS: Array<[keyof PayoutSummary, string]> = [
  ['entitlementId', 'ma_khoan_huong'],
  ['cccdMasked', 'cccd'],
  ['programmeCode', 'chuong_trinh'],
  ['period', 'ky'],
  ['kind', 'loai'],
  ['amountDong', 'so_tien_dong'],
  ['provinceCode', 'ma_tinh'],
  ['communeCode', 'ma_xa'],
  ['status', 'trang_thai'],
  ['paidChannel', 'kenh_da_chi'],
  ['finalReason', 'ly_do'],
  ['lastInstitutionCode', 'to_chuc_chi_tra'],
  ['attempts', 'so_lan_chi'],
];

/**
 * Disbursement history for auditors and officers, read-only by construction (SELECT only): who was
 * owed what, through which institution it went, and every state change with its actor and reason.
 * Officers see their own area; CCCDs are shown masked, and are only searched by.
 */
@Injectable()
export class PayoutHistoryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(query: PayoutQueryDto, principal: Principal): Promise<{ items: PayoutSummary[]; next: string | null }> {
    const limit = query.limit ?? 100;
    const rows = await this.dataSource.query(this.sql(query, limit + 1), this.params(query, principal));
    const items = rows.slice(0, limit).map(toSummary);
    return { items, next: rows.length > limit ? items[items.length - 1].entitlementId : null };
  }

  /** Every matching payout as CSV, streamed page by page so a national export never sits in memory. */
  csv(query: PayoutQueryDto, principal: Principal): Readable {
    const output = stringify({ header: true, columns: CSV_COLUMNS.map(([key, header]) => ({ key, header })) });
    void (async () => {
      let after = query.after;
      try {
        for (;;) {
          const page = await this.search({ ...query, after, limit: 1000 }, principal);
          for (const item of page.items) if (!output.write(item)) await new Promise((resolve) => output.once('drain', resolve));
          if (!page.next) break;
          after = page.next;
        }
        output.end();
      } catch (error) {
        output.destroy(error as Error);
      }
    })();
    return output;
  }

  async timeline(entitlementId: string, principal: Principal) {
    const [row] = await this.dataSource.query(this.sql({}, 1), this.params({}, principal, entitlementId));
    if (!row) throw new DomainError('PAYMENT.ENTITLEMENT_NOT_FOUND', 'Không tìm thấy khoản hưởng (hoặc ngoài phạm vi quản lý của bạn).', 'not_found');
    const attempts = await this.dataSource.query(
      `SELECT instruction_id AS "instructionId", attempt_number AS "attemptNumber", channel, institution_code AS "institutionCode",
              account_number_masked AS "accountNumberMasked", amount_dong::text AS "amountDong", status, send_count AS "sendCount",
              reason_code AS "reasonCode", last_sent_at AS "lastSentAt", resolved_at AS "resolvedAt", bank_reference AS "bankReference"
         FROM payment.payout_attempt WHERE entitlement_id = $1 ORDER BY attempt_number`,
      [entitlementId],
    );
    const events = await this.dataSource.query(
      `SELECT seq, kind, from_status AS "fromStatus", to_status AS "toStatus", instruction_id AS "instructionId", reason_code AS "reasonCode",
              actor, occurred_at AS "occurredAt", detail, hash
         FROM payment.payout_event WHERE entitlement_id = $1 ORDER BY seq`,
      [entitlementId],
    );
    return { payout: toSummary(row), attempts, events };
  }

  private sql(query: PayoutQueryDto, limit: number): string {
    return `
      SELECT e.id, e.beneficiary_id, p.cccd, e.programme_code, e.period, e.kind, e.amount_dong::text, e.province_code, e.commune_code, e.cycle_id,
             e.status, e.paid_channel, e.final_reason,
             (SELECT a.institution_code FROM payment.payout_attempt a WHERE a.entitlement_id = e.id ORDER BY a.attempt_number DESC LIMIT 1) AS last_institution_code,
             (SELECT count(*)::int FROM payment.payout_attempt a WHERE a.entitlement_id = e.id AND a.send_count > 0) AS attempts
        FROM payment.entitlement e JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id
       WHERE ($1::uuid IS NULL OR e.id = $1)
         AND ($2::text IS NULL OR e.province_code = $2::bpchar) AND ($3::text IS NULL OR e.commune_code = $3::bpchar)
         ${query.cccd ? 'AND p.cccd = $4' : 'AND $4::text IS NULL'}
         AND ($5::uuid IS NULL OR e.cycle_id = $5) AND ($6::text IS NULL OR e.status = $6) AND ($7::text IS NULL OR e.period = $7)
         AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM payment.payout_attempt a WHERE a.entitlement_id = e.id AND a.institution_code = $8))
         AND ($9::uuid IS NULL OR e.id > $9)
         AND ($10::text IS NULL OR e.province_code = $10::bpchar) AND ($11::text IS NULL OR e.commune_code = $11::bpchar)
       ORDER BY e.id LIMIT ${limit}`;
  }

  /** The caller's area scope is a filter of its own ($10, $11): a query can narrow it, never widen it. */
  private params(query: PayoutQueryDto, principal: Principal, entitlementId: string | null = null): unknown[] {
    return [entitlementId, query.provinceCode ?? null, query.communeCode ?? null, query.cccd ?? null, query.cycleId ?? null, query.status ?? null, query.period ?? null, query.institutionCode ?? null, query.after ?? null, principal.provinceCode ?? null, principal.communeCode ?? null];
  }
}

function toSummary(row: Record<string, unknown>): PayoutSummary {
  return {
    entitlementId: row.id as string,
    beneficiaryId: row.beneficiary_id as string,
    cccdMasked: maskCccd(row.cccd as string),
    programmeCode: row.programme_code as string,
    period: row.period as string,
    kind: row.kind as string,
    amountDong: row.amount_dong as string,
    provinceCode: row.province_code as string,
    communeCode: row.commune_code as string,
    cycleId: (row.cycle_id as string | null) ?? null,
    status: row.status as string,
    paidChannel: (row.paid_channel as string | null) ?? null,
    finalReason: (row.final_reason as string | null) ?? null,
    lastInstitutionCode: (row.last_institution_code as string | null) ?? null,
    attempts: row.attempts as number,
  };
}

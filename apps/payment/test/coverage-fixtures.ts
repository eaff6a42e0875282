import { v5 as uuidv5 } from 'uuid';
import type { DataSource } from 'typeorm';

/** How one payment of a month ended, as the payout pipeline leaves its rows. */
export type Outcome = 'bank' | 'ewallet' | 'fallback' | 'cash' | 'in_flight' | 'held' | 'cancelled';

export interface PersonSpec {
  name: string;
  provinceCode: string;
  communeCode: string;
  legacyDistrictCode: string | null;
  programmeCode: string;
  preference: 'account' | 'cash';
  account: 'none' | 'verified' | 'pending' | 'name_mismatch';
  /** an arrears payment carries the earlier month it is owed for; it counts in the month it is paid */
  payments: Array<{ kind: 'monthly' | 'arrears'; owedPeriod?: string; amountDong: bigint; outcome: Outcome }>;
}

export interface ExpectedArea {
  beneficiaries: number;
  paid: number;
  paidCashless: number;
  amountPaidDong: bigint;
  amountCashlessDong: bigint;
  accountReady: number;
  notYetPaid: number;
  reasons: Record<'BANK_REJECTED' | 'CHOSE_CASH' | 'NAME_MISMATCH' | 'ACCOUNT_PENDING' | 'NO_ACCOUNT', number>;
}

const NAMESPACE = '6f1c7c1e-4a43-4c38-9d0e-1f5d2b7b2c10';
const id = (...parts: Array<string | number>) => uuidv5(parts.join(':'), NAMESPACE);
const PAID: ReadonlySet<Outcome> = new Set(['bank', 'ewallet', 'fallback', 'cash']);
const THROUGH_ACCOUNT: ReadonlySet<Outcome> = new Set(['bank', 'ewallet']);

/**
 * The coverage definition of the domain notes, written out plainly over the scenario (not over rows):
 * what the views must compute from the rows insertScenario writes.
 */
export function expectedCoverage(people: readonly PersonSpec[], period: string): Map<string, ExpectedArea> {
  const areas = new Map<string, ExpectedArea>();
  for (const person of people) {
    const counted = person.payments.filter((payment) => payment.outcome !== 'cancelled');
    if (counted.length === 0) continue;
    const key = areaKey(person.programmeCode, person.provinceCode, person.communeCode, period < '2025-07' ? person.legacyDistrictCode : null);
    const area = areas.get(key) ?? { beneficiaries: 0, paid: 0, paidCashless: 0, amountPaidDong: 0n, amountCashlessDong: 0n, accountReady: 0, notYetPaid: 0, reasons: { BANK_REJECTED: 0, CHOSE_CASH: 0, NAME_MISMATCH: 0, ACCOUNT_PENDING: 0, NO_ACCOUNT: 0 } };
    const paid = counted.filter((payment) => PAID.has(payment.outcome));
    area.beneficiaries += 1;
    if (person.account === 'verified') area.accountReady += 1;
    if (paid.length === 0) area.notYetPaid += 1;
    else {
      area.paid += 1;
      for (const payment of paid) {
        area.amountPaidDong += payment.amountDong;
        if (THROUGH_ACCOUNT.has(payment.outcome)) area.amountCashlessDong += payment.amountDong;
      }
      if (paid.every((payment) => THROUGH_ACCOUNT.has(payment.outcome))) area.paidCashless += 1;
      else if (paid.some((payment) => payment.outcome === 'fallback')) area.reasons.BANK_REJECTED += 1;
      else if (person.preference === 'cash') area.reasons.CHOSE_CASH += 1;
      else if (person.account === 'name_mismatch') area.reasons.NAME_MISMATCH += 1;
      else if (person.account === 'pending' || person.account === 'verified') area.reasons.ACCOUNT_PENDING += 1;
      else area.reasons.NO_ACCOUNT += 1;
    }
    areas.set(key, area);
  }
  return areas;
}

export function areaKey(programmeCode: string, provinceCode: string, communeCode: string, legacyDistrictCode: string | null): string {
  return [programmeCode, provinceCode, communeCode, legacyDistrictCode ?? '-'].join('/');
}

/** Writes payees, accounts, the month's cycles, entitlements and attempts as the payout pipeline would. */
export async function insertScenario(db: DataSource, seed: string, period: string, people: readonly PersonSpec[]): Promise<void> {
  const cycles = new Map<string, string>();
  for (const [index, person] of people.entries()) {
    const beneficiaryId = id(seed, 'payee', index);
    const cccd = `042${index % 2 ? '1' : '0'}4${String(index).padStart(7, '0')}`.slice(0, 12);
    await db.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, full_name, programme_code, category_code, province_code, commune_code, legacy_district_code, status,
                                  registered_at, source_event_id, payment_preference)
       VALUES ($1, $2, $3, $4, 'NCT_80', $5, $6, $7, 'active', '2020-01-01', $8, $9)`,
      [beneficiaryId, cccd, person.name, person.programmeCode, person.provinceCode, person.communeCode, person.legacyDistrictCode, id(seed, 'event', index), person.preference],
    );
    const accountId = id(seed, 'account', index);
    const ewallet = person.payments.some((payment) => payment.outcome === 'ewallet');
    if (person.account !== 'none') {
      const status = { verified: 'verified', pending: 'pending', name_mismatch: 'rejected' }[person.account];
      await db.query(
        `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, priority, status, payable_from, state_at, rejection_reason)
         VALUES ($1, $2, $3, $4, '****1234', 1, $5, $6, '2018-06-01', $7)`,
        [accountId, beneficiaryId, ewallet ? 'ewallet' : 'bank', ewallet ? 'MOMO' : '970436', status, person.account === 'verified' ? '2018-06-01' : null, person.account === 'name_mismatch' ? 'NAME_MISMATCH' : null],
      );
    }
    const cycleKey = `${person.programmeCode}/${person.provinceCode}`;
    if (!cycles.has(cycleKey)) {
      const cycleId = id(seed, 'cycle', cycleKey, period);
      cycles.set(cycleKey, cycleId);
      await db.query(
        `INSERT INTO payment.payout_cycle (id, programme_code, province_code, period, status, entitled_count, entitled_dong, excluded_count, created_by)
         VALUES ($1, $2, $3, $4, 'generated', 0, 0, 0, 'test')`,
        [cycleId, person.programmeCode, person.provinceCode, period],
      );
    }
    for (const [number, payment] of person.payments.entries()) {
      const entitlementId = id(seed, 'entitlement', index, number);
      const status = PAID.has(payment.outcome) ? 'paid' : payment.outcome;
      const paidChannel = { bank: 'bank', ewallet: 'ewallet', fallback: 'cash', cash: 'cash' }[payment.outcome as string] ?? null;
      await db.query(
        `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli, province_code, commune_code,
                                          status, paid_channel, final_reason, arrears_rule_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1000, $8, $9, $10, $11, $12,
                 -- arrears always name the level rise that owed them; the latest recorded level stands in for it here
                 CASE WHEN $6 = 'arrears' THEN (SELECT id FROM payment.allowance_standard_level ORDER BY effective_from DESC, id DESC LIMIT 1) END)`,
        [entitlementId, cycles.get(cycleKey), beneficiaryId, person.programmeCode, payment.owedPeriod ?? period, payment.kind, payment.amountDong.toString(), person.provinceCode, person.communeCode, status, paidChannel,
          payment.outcome === 'held' ? 'NOT_COLLECTED' : payment.outcome === 'cancelled' ? 'CEASED' : null],
      );
      const attempt = (number2: number, channel: string, attemptStatus: string, reason: string | null) =>
        db.query(
          `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, channel, institution_code, account_id, amount_dong, status, send_count, reason_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)`,
          [id(seed, 'attempt', index, number, number2), entitlementId, number2, channel, channel === 'cash' ? 'VNPOST' : channel === 'ewallet' ? 'MOMO' : '970436', channel === 'cash' ? null : accountId, payment.amountDong.toString(), attemptStatus, reason],
        );
      if (payment.outcome === 'bank' || payment.outcome === 'ewallet') await attempt(1, payment.outcome, 'settled', null);
      if (payment.outcome === 'fallback') {
        await attempt(1, 'bank', 'rejected', 'AC04');
        await attempt(2, 'cash', 'settled', null);
      }
      if (payment.outcome === 'cash') await attempt(1, 'cash', 'settled', null);
      if (payment.outcome === 'in_flight') await attempt(1, person.account === 'verified' ? 'bank' : 'cash', 'sent', null);
      if (payment.outcome === 'held') await attempt(1, 'cash', 'rejected', 'NOT_COLLECTED');
    }
  }
}

/** A small deterministic generator (mulberry32): the same seed draws the same people on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phan', 'Võ', 'Đặng', 'Hồ'];
const GIVEN = ['Thị Đào', 'Văn Hùng', 'Thị Lan', 'Đình Sơn', 'Thị Cúc', 'Hữu Tâm'];

/** People of every kind the coverage must tell apart, in the given communes (code, province, legacy district). */
export function generatePeople(seed: number, count: number, programmeCode: string, communes: ReadonlyArray<readonly [string, string, string | null]>): PersonSpec[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const kinds = ['bank', 'bank', 'ewallet', 'fallback', 'no_account', 'no_account', 'pending', 'name_mismatch', 'chose_cash', 'chose_cash_with_account', 'in_flight', 'held', 'cancelled', 'arrears_mixed', 'arrears_bank'] as const;
  return Array.from({ length: count }, (_, index) => {
    const [communeCode, provinceCode, legacyDistrictCode] = pick(communes);
    const amount = BigInt(pick([360_000, 540_000, 720_000, 900_000]));
    const base = { name: `${pick(FAMILY)} ${pick(GIVEN)}`, provinceCode, communeCode, legacyDistrictCode, programmeCode, preference: 'account' as const };
    const monthly = (outcome: Outcome) => ({ kind: 'monthly' as const, amountDong: amount, outcome });
    const arrears = (outcome: Outcome) => ({ kind: 'arrears' as const, owedPeriod: '2019-01', amountDong: 140_000n, outcome });
    const kind = kinds[index % kinds.length === 0 ? 0 : Math.floor(next() * kinds.length)];
    switch (kind) {
      case 'bank': return { ...base, account: 'verified', payments: [monthly('bank')] };
      case 'ewallet': return { ...base, account: 'verified', payments: [monthly('ewallet')] };
      case 'fallback': return { ...base, account: 'verified', payments: [monthly('fallback')] };
      case 'no_account': return { ...base, account: 'none', payments: [monthly('cash')] };
      case 'pending': return { ...base, account: 'pending', payments: [monthly('cash')] };
      case 'name_mismatch': return { ...base, account: 'name_mismatch', payments: [monthly('cash')] };
      case 'chose_cash': return { ...base, preference: 'cash', account: 'none', payments: [monthly('cash')] };
      case 'chose_cash_with_account': return { ...base, preference: 'cash', account: 'verified', payments: [monthly('cash')] };
      case 'in_flight': return { ...base, account: 'verified', payments: [monthly('in_flight')] };
      case 'held': return { ...base, account: 'none', payments: [monthly('held')] };
      case 'cancelled': return { ...base, account: 'none', payments: [monthly('cancelled')] };
      case 'arrears_mixed': return { ...base, account: 'verified', payments: [monthly('bank'), arrears('fallback')] };
      case 'arrears_bank': return { ...base, account: 'verified', payments: [monthly('bank'), arrears('bank')] };
    }
  });
}

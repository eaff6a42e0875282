/** One summary row of payment.coverage_summary (or a sum of several), counts as numbers, đồng as bigint. */
export interface CoverageCounts {
  beneficiaries: number;
  paid: number;
  paidCashless: number;
  amountPaidDong: bigint;
  amountCashlessDong: bigint;
  accountReady: number;
  notYetPaid: number;
  cashBankRejected: number;
  cashChoseCash: number;
  cashNameMismatch: number;
  cashAccountPending: number;
  cashNoAccount: number;
}

export const CASH_REASONS = [
  { key: 'cashNoAccount', code: 'NO_ACCOUNT', label: 'Chưa có tài khoản' },
  { key: 'cashAccountPending', code: 'ACCOUNT_PENDING', label: 'Tài khoản đang chờ xác minh' },
  { key: 'cashNameMismatch', code: 'NAME_MISMATCH', label: 'Tên chủ tài khoản không khớp' },
  { key: 'cashBankRejected', code: 'BANK_REJECTED', label: 'Ngân hàng từ chối, chuyển tiền mặt' },
  { key: 'cashChoseCash', code: 'CHOSE_CASH', label: 'Tự chọn nhận tiền mặt' },
] as const satisfies ReadonlyArray<{ key: keyof CoverageCounts; code: string; label: string }>;

export interface CoverageFigures {
  beneficiaries: number;
  paid: number;
  paidCashless: number;
  /** percent with two decimals, rounded half up; null when nobody was paid */
  coverageByCount: number | null;
  amountPaidDong: string;
  amountCashlessDong: string;
  coverageByAmount: number | null;
  accountReady: number;
  readiness: number | null;
  notYetPaid: number;
  reasons: Array<{ code: string; label: string; count: number }>;
}

/**
 * a ÷ b as a percentage with two decimals, in integer arithmetic: đồng sums pass 2^53 nationally,
 * and 16,243 ÷ 106,413 must read 15.26 exactly, not 15.259999.
 */
export function percent(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  const hundredths = (numerator * 20000n + denominator) / (2n * denominator);
  return Number(hundredths) / 100;
}

export const ZERO_COUNTS: CoverageCounts = {
  beneficiaries: 0, paid: 0, paidCashless: 0, amountPaidDong: 0n, amountCashlessDong: 0n, accountReady: 0, notYetPaid: 0,
  cashBankRejected: 0, cashChoseCash: 0, cashNameMismatch: 0, cashAccountPending: 0, cashNoAccount: 0,
};

export function addCounts(a: CoverageCounts, b: CoverageCounts): CoverageCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as Array<keyof CoverageCounts>) (sum[key] as bigint | number) = (a[key] as never) + (b[key] as never);
  return sum;
}

export function toFigures(counts: CoverageCounts): CoverageFigures {
  return {
    beneficiaries: counts.beneficiaries,
    paid: counts.paid,
    paidCashless: counts.paidCashless,
    coverageByCount: percent(BigInt(counts.paidCashless), BigInt(counts.paid)),
    amountPaidDong: counts.amountPaidDong.toString(),
    amountCashlessDong: counts.amountCashlessDong.toString(),
    coverageByAmount: percent(counts.amountCashlessDong, counts.amountPaidDong),
    accountReady: counts.accountReady,
    readiness: percent(BigInt(counts.accountReady), BigInt(counts.beneficiaries)),
    notYetPaid: counts.notYetPaid,
    reasons: CASH_REASONS.map((reason) => ({ code: reason.code, label: reason.label, count: counts[reason.key] })).sort((x, y) => y.count - x.count),
  };
}

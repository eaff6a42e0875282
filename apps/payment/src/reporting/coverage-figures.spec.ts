import { addCounts, percent, toFigures, ZERO_COUNTS } from './coverage-figures';

describe('coverage figures', () => {
  it('reads Hà Tĩnh, 30 Nov 2023, as 15.26 %: 16,243 of 106,413 paid cashless', () => {
    expect(percent(16_243n, 106_413n)).toBe(15.26);
  });

  it('rounds half up on the second decimal and keeps whole percentages whole', () => {
    expect(percent(1n, 8n)).toBe(12.5);
    expect(percent(1n, 3n)).toBe(33.33);
    expect(percent(2n, 3n)).toBe(66.67);
    expect(percent(5n, 5n)).toBe(100);
  });

  it('has no coverage, rather than 0 %, where nobody was paid', () => {
    expect(percent(0n, 0n)).toBeNull();
    expect(toFigures(ZERO_COUNTS)).toMatchObject({ coverageByCount: null, coverageByAmount: null, readiness: null });
  });

  it('divides đồng sums beyond 2^53 without losing precision', () => {
    const paid = 9_007_199_254_740_993n;
    expect(percent(paid / 4n, paid)).toBe(25);
  });

  it('adds areas field by field and lists reasons from the most to the least frequent', () => {
    const commune = { ...ZERO_COUNTS, paid: 10, paidCashless: 3, amountPaidDong: 3_600_000n, amountCashlessDong: 1_080_000n, cashNoAccount: 5, cashChoseCash: 2 };
    const sum = addCounts(commune, { ...commune, cashBankRejected: 1, cashNoAccount: 0 });
    expect(sum).toMatchObject({ paid: 20, paidCashless: 6, amountPaidDong: 7_200_000n, cashNoAccount: 5, cashChoseCash: 4, cashBankRejected: 1 });
    expect(toFigures(sum).reasons.map((reason) => [reason.code, reason.count])).toEqual([
      ['NO_ACCOUNT', 5], ['CHOSE_CASH', 4], ['BANK_REJECTED', 1], ['ACCOUNT_PENDING', 0], ['NAME_MISMATCH', 0],
    ]);
    expect(toFigures(sum).coverageByAmount).toBe(30);
  });
});

import { applyCoefficient, arrears, funeralSupport, monthlyAllowance, type RuleTables } from './allowance-rules';

// The figures of the decrees: 360,000 đồng from 1 Jul 2021, 500,000 from 1 Jul 2024; coefficients
// 1.0 (aged 80+ without pension), 1.5 (severe disability), 2.0 (extremely severe), 2.5 (child or
// elderly with extremely severe disability); meritorious people 2,789,000 from 1 Jul 2024.
const tables: RuleTables = {
  levels: [
    { programmeCode: 'TC_XH', provinceCode: null, effectiveFrom: '2021-07-01', amountDong: 360_000n },
    { programmeCode: 'TC_XH', provinceCode: null, effectiveFrom: '2024-07-01', amountDong: 500_000n },
    { programmeCode: 'TC_XH', provinceCode: '01', effectiveFrom: '2025-01-01', amountDong: 650_000n },
    { programmeCode: 'TC_XH', provinceCode: '79', effectiveFrom: '2023-01-01', amountDong: 480_000n },
    { programmeCode: 'NCC', provinceCode: null, effectiveFrom: '2024-07-01', amountDong: 2_789_000n },
  ],
  coefficients: [
    { programmeCode: 'TC_XH', categoryCode: 'NCT_80', effectiveFrom: '2021-07-01', coefficientMilli: 1000 },
    { programmeCode: 'TC_XH', categoryCode: 'KT_NANG', effectiveFrom: '2021-07-01', coefficientMilli: 1500 },
    { programmeCode: 'TC_XH', categoryCode: 'KT_DB_NANG', effectiveFrom: '2021-07-01', coefficientMilli: 2000 },
    { programmeCode: 'TC_XH', categoryCode: 'TRE_KT_DB_NANG', effectiveFrom: '2021-07-01', coefficientMilli: 2500 },
    { programmeCode: 'NCC', categoryCode: 'NCC', effectiveFrom: '2024-07-01', coefficientMilli: 1000 },
  ],
};
const amount = (programme: string, province: string, category: string, month: string) => {
  const result = monthlyAllowance(tables, programme, province, category, month);
  return result.ok ? result.amountDong : result.reason;
};

describe('monthly allowance from dated rule tables', () => {
  it.each([
    ['NCT_80', '2024-06', 360_000n],
    ['NCT_80', '2024-07', 500_000n],
    ['KT_NANG', '2024-06', 540_000n],
    ['KT_NANG', '2024-07', 750_000n],
    ['KT_DB_NANG', '2026-11', 1_000_000n],
    ['TRE_KT_DB_NANG', '2026-11', 1_250_000n],
  ])('%s in Hà Tĩnh, %s: %s đồng', (category, month, expected) => {
    expect(amount('TC_XH', '42', category, month)).toBe(expected);
  });

  it('uses a province’s higher level from its own date, and never a provincial level below the national one', () => {
    expect(amount('TC_XH', '01', 'KT_NANG', '2024-12')).toBe(750_000n);
    expect(amount('TC_XH', '01', 'KT_NANG', '2025-01')).toBe(975_000n);
    // Ho Chi Minh City's 480,000 was above 360,000 and below 500,000: it yields from July 2024.
    expect(amount('TC_XH', '79', 'NCT_80', '2024-06')).toBe(480_000n);
    expect(amount('TC_XH', '79', 'NCT_80', '2024-07')).toBe(500_000n);
  });

  it('pays meritorious people the preferential level', () => {
    expect(amount('NCC', '42', 'NCC', '2024-07')).toBe(2_789_000n);
  });

  it('refuses to invent an amount where no rule is in force', () => {
    expect(amount('NCC', '42', 'NCC', '2024-06')).toBe('NO_STANDARD_LEVEL');
    expect(amount('TC_XH', '42', 'UNKNOWN', '2024-07')).toBe('NO_COEFFICIENT');
  });

  it('rounds half up to whole đồng and stays exact far beyond 2^53', () => {
    expect(applyCoefficient(333_333n, 1500)).toBe(500_000n); // 499,999.5 → 500,000
    expect(applyCoefficient(333_331n, 1500)).toBe(499_997n); // 499,996.5 → 499,997
    expect(applyCoefficient(9_007_199_254_740_993n, 1000)).toBe(9_007_199_254_740_993n);
    expect(() => applyCoefficient(500_000n, 1.5)).toThrow(RangeError);
  });

  it('owes arrears for months paid at the old level once the new level reaches back', () => {
    // July–September 2024 were paid at 360,000 × 1.5 before Decree 76/2024 was applied.
    const paid = ['2024-06', '2024-07', '2024-08', '2024-09'].map((month) => ({ month, paidDong: 540_000n }));
    expect(arrears(tables, 'TC_XH', '42', 'KT_NANG', paid)).toEqual([
      { month: '2024-07', owedDong: 210_000n },
      { month: '2024-08', owedDong: 210_000n },
      { month: '2024-09', owedDong: 210_000n },
    ]);
  });

  it('lets a later recorded row for the same date correct an earlier one, without editing it', () => {
    const corrected: RuleTables = {
      ...tables,
      levels: [...tables.levels, { programmeCode: 'TC_XH', provinceCode: null, effectiveFrom: '2024-07-01', amountDong: 520_000n, version: 99 }],
    };
    expect(monthlyAllowance(corrected, 'TC_XH', '42', 'NCT_80', '2024-07')).toMatchObject({ ok: true, amountDong: 520_000n, levelVersion: 99 });
    expect(monthlyAllowance(corrected, 'TC_XH', '42', 'NCT_80', '2024-06')).toMatchObject({ ok: true, amountDong: 360_000n });
  });
});

describe('funeral support (Decree 20/2021 Art. 11)', () => {
  const rules = [{ programmeCode: 'TC_XH', effectiveFrom: '2021-07-01', levelMultiple: 20 }];
  it('is 20 × the standard level in force at the date of death', () => {
    expect(funeralSupport(tables.levels, rules, 'TC_XH', '42', '2024-06-30')).toMatchObject({ ok: true, amountDong: 7_200_000n });
    expect(funeralSupport(tables.levels, rules, 'TC_XH', '42', '2024-07-01')).toMatchObject({ ok: true, amountDong: 10_000_000n, levelDong: 500_000n });
    // Hà Nội's own higher level counts for deaths in Hà Nội
    expect(funeralSupport(tables.levels, rules, 'TC_XH', '01', '2025-03-15')).toMatchObject({ ok: true, amountDong: 13_000_000n });
  });
  it('is not opened by a programme without a funeral rule (meritorious people have their own)', () => {
    expect(funeralSupport(tables.levels, rules, 'NCC', '42', '2025-03-15')).toEqual({ ok: false, reason: 'NO_FUNERAL_RULE' });
  });
});

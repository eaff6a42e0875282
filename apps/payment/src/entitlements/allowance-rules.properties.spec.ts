import fc from 'fast-check';
import { applyCoefficient, arrears, monthlyAllowance, type RuleTables } from './allowance-rules';

const runs = { seed: 20261123, numRuns: 2_000 };
const level = fc.bigInt({ min: 0n, max: 10_000_000_000n });
const coefficientMilli = fc.integer({ min: 0, max: 10_000 });

describe('allowance arithmetic (properties)', () => {
  it('is a whole number of đồng within half a đồng of the exact product, rounding half up', () => {
    fc.assert(
      fc.property(level, coefficientMilli, (amount, milli) => {
        const result = applyCoefficient(amount, milli);
        expect(typeof result).toBe('bigint');
        // result × 1000 − exact product, in thousandths of a đồng: within (−500, 500], a half rounds up
        const error = result * 1000n - amount * BigInt(milli);
        expect(error > -500n && error <= 500n).toBe(true);
      }),
      runs,
    );
  });

  it('pays coefficient 1.0 exactly, and never less for a higher level or coefficient', () => {
    fc.assert(
      fc.property(level, level, coefficientMilli, coefficientMilli, (a, b, m, n) => {
        expect(applyCoefficient(a, 1000)).toBe(a);
        const [low, high] = a <= b ? [a, b] : [b, a];
        const [less, more] = m <= n ? [m, n] : [n, m];
        expect(applyCoefficient(low, less) <= applyCoefficient(high, less)).toBe(true);
        expect(applyCoefficient(low, less) <= applyCoefficient(low, more)).toBe(true);
      }),
      runs,
    );
  });

  it('refuses a coefficient that is not whole thousandths rather than paying a fraction of a đồng', () => {
    fc.assert(
      fc.property(
        level,
        fc.oneof(
          fc.double({ min: 0, max: 10_000, noNaN: true }).filter((value) => !Number.isInteger(value)),
          fc.integer({ max: -1 }),
        ),
        (amount, milli) => {
          expect(() => applyCoefficient(amount, milli)).toThrow(RangeError);
        },
      ),
      runs,
    );
  });

  it('arrears plus what was paid equal exactly the new amount, and are never negative', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 5_000_000n }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.array(fc.record({ month: fc.integer({ min: 1, max: 12 }).map((m) => `2026-${String(m).padStart(2, '0')}`), paidDong: fc.bigInt({ min: 0n, max: 10_000_000n }) }), {
          maxLength: 12,
        }),
        (amountDong, milli, paid) => {
          const tables: RuleTables = {
            levels: [{ programmeCode: 'TC_XH', provinceCode: null, effectiveFrom: '2026-01-01', amountDong }],
            coefficients: [{ programmeCode: 'TC_XH', categoryCode: 'KT_NANG', effectiveFrom: '2026-01-01', coefficientMilli: milli }],
          };
          const due = monthlyAllowance(tables, 'TC_XH', '42', 'KT_NANG', '2026-06');
          if (!due.ok) throw new Error(due.reason);
          const owed = arrears(tables, 'TC_XH', '42', 'KT_NANG', paid);
          // one line per underpaid month, in order, topping it up to exactly the amount due
          const underpaid = paid.filter((month) => month.paidDong < due.amountDong);
          expect(owed.map((line) => line.month)).toEqual(underpaid.map((month) => month.month));
          owed.forEach((line, index) => {
            expect(line.owedDong > 0n).toBe(true);
            expect(underpaid[index].paidDong + line.owedDong).toBe(due.amountDong);
          });
        },
      ),
      runs,
    );
  });
});

import fc from 'fast-check';
import { dongFromWire, dongSchema, dongToWire, formatDong, MAX_DONG } from './money';

// Fixed seed: a failure here is replayed exactly by re-running the test.
const runs = { seed: 20261123, numRuns: 2_000 };

const dong = fc.bigInt({ min: 0n, max: MAX_DONG });
/** Amounts a cycle actually carries: up to a national monthly total of a few trillion đồng. */
const payout = fc.bigInt({ min: 0n, max: 100_000_000_000n });

/** Reads back what formatDong printed: "1.234.567 ₫" → 1234567n. */
function parseFormatted(text: string): bigint {
  const match = /^(\d{1,3}(?:\.\d{3})*)\s₫$/u.exec(text);
  if (!match) throw new Error(`not a Vietnamese đồng amount: ${JSON.stringify(text)}`);
  return BigInt(match[1].replace(/\./g, ''));
}

describe('money in đồng (properties)', () => {
  it('every amount a BIGINT column holds survives the wire form unchanged', () => {
    fc.assert(
      fc.property(dong, (amount) => {
        const wire = dongToWire(amount);
        expect(dongSchema.safeParse(wire).success).toBe(true);
        expect(dongFromWire(wire)).toBe(amount);
      }),
      runs,
    );
  });

  it('accepts exactly the canonical whole-đồng strings, and never throws on any other text', () => {
    const canonical = (text: string) => /^(0|[1-9]\d*)$/.test(text) && BigInt(text) <= MAX_DONG;
    const candidates = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789-+.,e ₫'.split('')), maxLength: 25 }),
      fc.string(),
      dong.map((amount) => amount.toString()),
      fc.double().map(String),
      fc.bigInt({ min: -MAX_DONG, max: MAX_DONG * 4n }).map(String),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        expect(dongSchema.safeParse(text).success).toBe(canonical(text));
      }),
      { ...runs, numRuns: 5_000 },
    );
  });

  it('refuses to put a negative or oversized amount on the wire instead of wrapping it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ max: -1n }), fc.bigInt({ min: MAX_DONG + 1n })), (amount) => {
        expect(() => dongToWire(amount)).toThrow(RangeError);
      }),
      runs,
    );
  });

  it('a total computed on the wire form equals the sum of its parts, whatever way the parts are grouped', () => {
    // A cycle total is summed per batch and per institution; every grouping must give the same đồng.
    fc.assert(
      fc.property(fc.array(payout, { maxLength: 200 }), fc.array(fc.nat(7), { maxLength: 200 }), (amounts, groups) => {
        const whole = amounts.reduce((sum, amount) => sum + amount, 0n);
        const byGroup = new Map<number, bigint>();
        amounts.forEach((amount, index) => {
          const group = groups[index] ?? 0;
          byGroup.set(group, (byGroup.get(group) ?? 0n) + dongFromWire(dongToWire(amount)));
        });
        const regrouped = [...byGroup.values()].reduce((sum, amount) => sum + amount, 0n);
        expect(regrouped).toBe(whole);
        expect(dongFromWire(dongToWire(whole))).toBe(whole);
      }),
      runs,
    );
  });

  it('prints every amount in the Vietnamese form and reads back the same đồng, beyond 2^53', () => {
    fc.assert(
      fc.property(dong, (amount) => {
        const printed = formatDong(amount);
        expect(printed.replace(/\s/gu, ' ')).toMatch(/^\d{1,3}(\.\d{3})* ₫$/u);
        expect(parseFormatted(printed)).toBe(amount);
      }),
      runs,
    );
  });
});

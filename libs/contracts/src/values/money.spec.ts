import { dongFromWire, dongSchema, dongToWire, formatDong, MAX_DONG } from './money';

describe('money in đồng', () => {
  it('round-trips whole đồng through the wire form without loss past 2^53', () => {
    const national = 9_007_199_254_740_993n; // 2^53 + 1: a JS number would round it
    expect(dongFromWire(dongToWire(national))).toBe(national);
  });

  it.each(['-1', '1.5', '1e6', '01', '', ' 5', '9223372036854775808'])('rejects %j', (value) => {
    expect(dongSchema.safeParse(value).success).toBe(false);
  });

  it('refuses to put a negative or oversized amount on the wire', () => {
    expect(() => dongToWire(-1n)).toThrow(RangeError);
    expect(() => dongToWire(MAX_DONG + 1n)).toThrow(RangeError);
  });

  it('formats as Vietnamese currency', () => {
    expect(formatDong(500_000n).replace(/\s/g, ' ')).toBe('500.000 ₫');
  });
});

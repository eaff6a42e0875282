import { z } from 'zod';

/**
 * Money in Vietnamese đồng. VND has no minor unit (ISO 4217 exponent 0), so every amount is a whole
 * number of đồng. On the wire it is a decimal string ("500000"), because JSON numbers lose precision
 * past 2^53 and a national total must never be rounded; in code it is a `bigint`.
 */
export const dongSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,18})$/, 'số tiền phải là số nguyên đồng không âm, viết dạng chuỗi chữ số')
  .refine(
    // Zod 4 runs refinements even when the regex failed; BigInt() would throw on such input.
    (value) => !/^\d+$/.test(value) || BigInt(value) <= MAX_DONG,
    'số tiền vượt quá giới hạn cho phép',
  );

export type DongString = z.infer<typeof dongSchema>;

/** The largest amount a PostgreSQL BIGINT column holds. */
export const MAX_DONG = 9_223_372_036_854_775_807n;

export function dongToWire(amount: bigint): DongString {
  if (amount < 0n || amount > MAX_DONG) throw new RangeError(`amount out of range: ${amount}`);
  return amount.toString();
}

export function dongFromWire(value: string): bigint {
  return BigInt(dongSchema.parse(value));
}

const formatter = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

/** "500.000 ₫" — the way amounts appear on notices and reports. */
export function formatDong(amount: bigint): string {
  return formatter.format(amount);
}

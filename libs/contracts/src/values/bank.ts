import { z } from 'zod';

/** NAPAS / VietQR bank identification number: 6 digits (Vietcombank 970436, BIDV 970418, …). */
export const bankBinSchema = z.string().regex(/^\d{6}$/, 'mã BIN ngân hàng phải gồm 6 chữ số');
export type BankBin = z.infer<typeof bankBinSchema>;

/** Domestic account numbers are digits only and vary in length by bank. */
export const accountNumberSchema = z.string().regex(/^\d{6,19}$/, 'số tài khoản phải gồm 6 đến 19 chữ số');

export function maskAccountNumber(accountNumber: string): string {
  return accountNumber.length <= 4 ? '****' : '*'.repeat(accountNumber.length - 4) + accountNumber.slice(-4);
}

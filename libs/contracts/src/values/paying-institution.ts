import { z } from 'zod';
import { BANKS, EWALLET_PROVIDERS, type PaymentChannel } from './banks';

/**
 * Vietnam Post pays social allowances in cash at its offices. It is the last channel of every
 * beneficiary and takes instructions like a bank does.
 */
export const CASH_INSTITUTION_CODE = 'VNPOST';

/** Every way money leaves AnSinh: a linked bank account, an e-wallet, or cash at the post office. */
export const PAYOUT_CHANNELS = ['bank', 'ewallet', 'cash'] as const;
export type PayoutChannel = PaymentChannel | 'cash';

/**
 * Who executes an instruction: a bank by its 6-digit BIN, an e-wallet provider by its code, or VNPOST
 * for cash. Each has its own pair of topics.
 */
export const institutionCodeSchema = z.string().regex(/^(\d{6}|[A-Z0-9_]{2,30})$/, 'mã tổ chức chi trả không hợp lệ');

export interface PayingInstitution {
  code: string;
  channel: PayoutChannel;
  name: string;
}

export const PAYING_INSTITUTIONS: readonly PayingInstitution[] = [
  ...BANKS.map((bank) => ({ code: bank.bin, channel: 'bank' as const, name: bank.name })),
  ...EWALLET_PROVIDERS.map((provider) => ({ code: provider.code, channel: 'ewallet' as const, name: provider.name })),
  { code: CASH_INSTITUTION_CODE, channel: 'cash', name: 'Tổng công ty Bưu điện Việt Nam (chi trả tiền mặt)' },
];

export function payingInstitution(code: string): PayingInstitution | undefined {
  return PAYING_INSTITUTIONS.find((institution) => institution.code === code);
}

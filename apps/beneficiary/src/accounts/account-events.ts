import { maskAccountNumberLast4 } from '@app/contracts';
import type { PaymentChannelEntity } from './payment-channel.entity';

/** The fields every account event carries to identify the account: never the number, only its last four digits. */
export function accountReference(account: PaymentChannelEntity) {
  return {
    accountId: account.id,
    beneficiaryId: account.beneficiaryId,
    channel: account.channel,
    bankBin: account.bankBin,
    providerCode: account.providerCode,
    accountNumberMasked: maskAccountNumberLast4(account.accountLast4),
    priority: account.priority,
  };
}

export function previousAccountReference(account: PaymentChannelEntity) {
  const { accountId, channel, bankBin, providerCode, accountNumberMasked } = accountReference(account);
  return { accountId, channel, bankBin, providerCode, accountNumberMasked };
}

/** Associated data of a sealed account number: the ciphertext opens only on the row it was written for. */
export function accountCipherContext(accountId: string): string {
  return `beneficiary.payment_channel:${accountId}`;
}

/** What makes two linked accounts the same account: channel, institution, number. */
export function accountFingerprintInput(channel: string, institution: string, accountNumber: string): string {
  return `${channel}/${institution}/${accountNumber}`;
}

export function laterOf(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

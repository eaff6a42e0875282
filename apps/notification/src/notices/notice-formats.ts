import { bankByBin, CASH_INSTITUTION_CODE, ewalletProviderByCode, formatDong } from '@app/contracts';

/** How values appear in notices: Vietnamese conventions, Vietnam's time zone, nothing unmasked. */
const VIETNAM_DATE = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });

/** "2026-11" → "11/2026". */
export function formatPeriod(period: string): string {
  const [year, month] = period.split('-');
  return `${month}/${year}`;
}

/** A calendar date "2026-12-01" → "01/12/2026". */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}/${month}/${year}`;
}

/** An instant, as the date it is in Vietnam: "2026-11-30T18:00:00Z" → "01/12/2026". */
export function formatInstantAsDate(instant: string): string {
  return VIETNAM_DATE.format(new Date(instant));
}

export function formatAmount(amountDong: string): string {
  return formatDong(BigInt(amountDong));
}

/** The institution as a beneficiary knows it: "Vietcombank", "ví MoMo", "bưu điện". */
export function institutionLabel(account: { channel: 'bank' | 'ewallet' | 'cash'; code: string | null }): string {
  if (account.channel === 'cash' || account.code === CASH_INSTITUTION_CODE) return 'bưu điện';
  if (account.channel === 'ewallet') return `ví ${(account.code && ewalletProviderByCode(account.code)?.shortName) ?? account.code ?? 'điện tử'}`;
  return (account.code && bankByBin(account.code)?.shortName) ?? `ngân hàng mã ${account.code}`;
}

/** The contract's reason texts start a sentence; in a notice they follow a colon or a bracket. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('vi-VN') + text.slice(1);
}

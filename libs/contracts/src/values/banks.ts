import { z } from 'zod';

/**
 * The institutions a beneficiary can be paid through, as reference data shared by every service and
 * readable by banks' engineers: banks by NAPAS / VietQR BIN, e-wallets / mobile money by provider
 * code. Cash at the post office is not listed: it is always available, as the last resort.
 */
export interface BankReference {
  /** NAPAS / VietQR bank identification number, 6 digits. */
  bin: string;
  /** Short code as VietQR lists it (VCB, BIDV, …). */
  code: string;
  shortName: string;
  /** Registered Vietnamese name. */
  name: string;
  /**
   * Whether the bank answers a name-enquiry (holder name for an account number). Without it nobody
   * can confirm automatically that the account is the beneficiary's, so an officer checks by hand.
   */
  nameEnquirySupported: boolean;
}

export const BANKS: readonly BankReference[] = [
  { bin: '970436', code: 'VCB', shortName: 'Vietcombank', name: 'Ngân hàng TMCP Ngoại thương Việt Nam', nameEnquirySupported: true },
  { bin: '970418', code: 'BIDV', shortName: 'BIDV', name: 'Ngân hàng TMCP Đầu tư và Phát triển Việt Nam', nameEnquirySupported: true },
  { bin: '970405', code: 'VBA', shortName: 'Agribank', name: 'Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam', nameEnquirySupported: true },
  { bin: '970415', code: 'ICB', shortName: 'VietinBank', name: 'Ngân hàng TMCP Công thương Việt Nam', nameEnquirySupported: true },
  { bin: '970407', code: 'TCB', shortName: 'Techcombank', name: 'Ngân hàng TMCP Kỹ thương Việt Nam', nameEnquirySupported: true },
  { bin: '970422', code: 'MB', shortName: 'MB', name: 'Ngân hàng TMCP Quân đội', nameEnquirySupported: true },
  { bin: '970416', code: 'ACB', shortName: 'ACB', name: 'Ngân hàng TMCP Á Châu', nameEnquirySupported: true },
  { bin: '970432', code: 'VPB', shortName: 'VPBank', name: 'Ngân hàng TMCP Việt Nam Thịnh Vượng', nameEnquirySupported: true },
  { bin: '970403', code: 'STB', shortName: 'Sacombank', name: 'Ngân hàng TMCP Sài Gòn Thương Tín', nameEnquirySupported: true },
  { bin: '970423', code: 'TPB', shortName: 'TPBank', name: 'Ngân hàng TMCP Tiên Phong', nameEnquirySupported: true },
  { bin: '970449', code: 'LPB', shortName: 'LPBank', name: 'Ngân hàng TMCP Lộc Phát Việt Nam', nameEnquirySupported: true },
  { bin: '970443', code: 'SHB', shortName: 'SHB', name: 'Ngân hàng TMCP Sài Gòn - Hà Nội', nameEnquirySupported: true },
  { bin: '970437', code: 'HDB', shortName: 'HDBank', name: 'Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh', nameEnquirySupported: true },
  { bin: '970441', code: 'VIB', shortName: 'VIB', name: 'Ngân hàng TMCP Quốc tế Việt Nam', nameEnquirySupported: true },
  // The Bank for Social Policies serves many beneficiaries and is missing from common bank packages.
  // 999888 is the BIN VietQR's bank list gives it; it is not a 9704xx NAPAS BIN, so it must be
  // confirmed with VBSP before any real payment instruction uses it. No name-enquiry: officers check
  // the holder by hand (passbook, VBSP statement).
  { bin: '999888', code: 'VBSP', shortName: 'VBSP', name: 'Ngân hàng Chính sách Xã hội', nameEnquirySupported: false },
];

export interface EwalletProviderReference {
  /** AnSinh's code for the provider; the wallet itself is identified by the holder's mobile number. */
  code: string;
  shortName: string;
  name: string;
  nameEnquirySupported: boolean;
}

export const EWALLET_PROVIDERS: readonly EwalletProviderReference[] = [
  { code: 'MOMO', shortName: 'MoMo', name: 'Ví điện tử MoMo', nameEnquirySupported: true },
  { code: 'ZALOPAY', shortName: 'ZaloPay', name: 'Ví điện tử ZaloPay', nameEnquirySupported: true },
  { code: 'VNPTMONEY', shortName: 'VNPT Money', name: 'VNPT Money (Mobile Money của VNPT)', nameEnquirySupported: true },
  { code: 'VIETTELMONEY', shortName: 'Viettel Money', name: 'Viettel Money (Mobile Money của Viettel)', nameEnquirySupported: true },
];

export const VBSP_BIN = '999888';

export function bankByBin(bin: string): BankReference | undefined {
  return BANKS.find((bank) => bank.bin === bin);
}

export function ewalletProviderByCode(code: string): EwalletProviderReference | undefined {
  return EWALLET_PROVIDERS.find((provider) => provider.code === code);
}

/** Where a beneficiary can be paid. Cash at the post office is implicit: never linked, always last. */
export const PAYMENT_CHANNELS = ['bank', 'ewallet'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

export const ewalletProviderCodeSchema = z.string().regex(/^[A-Z0-9_]{2,30}$/, 'mã nhà cung cấp ví không hợp lệ');

/**
 * An account number as anyone but the paying bank sees it: four stars and the last four digits.
 * The number of stars is fixed so the mask does not tell the length of the number either.
 */
export const accountNumberMaskedSchema = z.string().regex(/^\*{4}\d{4}$/, 'số tài khoản che phải có dạng ****1234');

export function maskAccountNumberLast4(last4: string): string {
  if (!/^\d{4}$/.test(last4)) throw new RangeError('last4 must be four digits');
  return `****${last4}`;
}

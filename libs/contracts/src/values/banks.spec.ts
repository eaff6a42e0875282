import { accountChangedV1 } from '../events';
import { accountNumberMaskedSchema, BANKS, bankByBin, EWALLET_PROVIDERS, ewalletProviderByCode, maskAccountNumberLast4, VBSP_BIN } from './banks';

describe('bank and e-wallet reference data', () => {
  it('lists each BIN, bank code and provider code once', () => {
    expect(new Set(BANKS.map((bank) => bank.bin)).size).toBe(BANKS.length);
    expect(new Set(BANKS.map((bank) => bank.code)).size).toBe(BANKS.length);
    expect(new Set(EWALLET_PROVIDERS.map((provider) => provider.code)).size).toBe(EWALLET_PROVIDERS.length);
    for (const bank of BANKS) expect(bank.bin).toMatch(/^\d{6}$/);
  });

  it('knows the big four and the Bank for Social Policies, which has no name-enquiry', () => {
    expect(bankByBin('970436')?.shortName).toBe('Vietcombank');
    expect(bankByBin('970418')?.shortName).toBe('BIDV');
    expect(bankByBin('970405')?.shortName).toBe('Agribank');
    expect(bankByBin('970415')?.shortName).toBe('VietinBank');
    expect(bankByBin(VBSP_BIN)).toMatchObject({ code: 'VBSP', name: 'Ngân hàng Chính sách Xã hội', nameEnquirySupported: false });
    expect(BANKS.filter((bank) => !bank.nameEnquirySupported).map((bank) => bank.code)).toEqual(['VBSP']);
    expect(bankByBin('970999')).toBeUndefined();
    expect(ewalletProviderByCode('MOMO')?.shortName).toBe('MoMo');
    expect(ewalletProviderByCode('PAYPAL')).toBeUndefined();
  });

  it('masks to four stars and the last four digits, whatever the length', () => {
    expect(maskAccountNumberLast4('3456')).toBe('****3456');
    expect(accountNumberMaskedSchema.safeParse('****3456').success).toBe(true);
    for (const leaky of ['0071000123456', '*********3456', '****345', 'xxxx3456']) expect(accountNumberMaskedSchema.safeParse(leaky).success).toBe(false);
    expect(() => maskAccountNumberLast4('123')).toThrow(RangeError);
  });

  it('refuses an account event whose institution does not fit its channel', () => {
    const payload = {
      accountId: '0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a10',
      beneficiaryId: '0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a11',
      channel: 'bank',
      bankBin: '970436',
      providerCode: null,
      accountNumberMasked: '****3456',
      priority: 1,
      status: 'pending_verification',
      previous: { accountId: '0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a12', channel: 'bank', bankBin: '970405', providerCode: null, accountNumberMasked: '****9876' },
      payableFrom: '2026-11-26T08:00:00.000Z',
      changedBy: 'officer:can.bo.ha.tinh',
      changedAt: '2026-11-23T08:00:00.000Z',
      approvedBy: null,
      approvedAt: null,
    };
    expect(accountChangedV1.payload.safeParse(payload).success).toBe(true);
    expect(accountChangedV1.payload.safeParse({ ...payload, providerCode: 'MOMO' }).success).toBe(false);
    expect(accountChangedV1.payload.safeParse({ ...payload, channel: 'ewallet' }).success).toBe(false);
    expect(accountChangedV1.payload.safeParse({ ...payload, accountNumberMasked: '0071000123456' }).success).toBe(false);
    expect(accountChangedV1.payload.safeParse({ ...payload, accountNumber: '0071000123456' }).success).toBe(false);
  });
});

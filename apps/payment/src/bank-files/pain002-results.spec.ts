import { instructionReportedPayloadSchema } from '@app/contracts';
import { resultOf } from './bank-files.service';
import type { Pain002Transaction } from './pain002.parser';

const line = (overrides: Partial<Pain002Transaction>): Pain002Transaction => ({
  instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f6',
  endToEndId: null,
  status: 'settled',
  reasonCode: null,
  reasonText: null,
  amountDong: 500_000n,
  bankReference: 'FT26327000123',
  ...overrides,
});

const AT = '2026-12-05T09:00:00.000Z';

describe('a pain.002 line as a bank result', () => {
  it('is the result a bank would publish on Kafka, unsigned, for the institution of the token', () => {
    const result = resultOf(line({}), '970443', '500000', AT);
    expect(result).toEqual({
      instructionId: '0193a7c1-2b3c-7d4e-8f90-a1b2c3d4e5f6',
      institutionCode: '970443',
      status: 'settled',
      reasonCode: null,
      reasonText: null,
      amountDong: '500000',
      bankReference: 'FT26327000123',
      reportedAt: AT,
      signature: null,
    });
    expect(instructionReportedPayloadSchema.safeParse(result).success).toBe(true);
  });

  it('reads a refusal without a reason as NARR, and keeps a code AnSinh has no rule for in the text', () => {
    expect(resultOf(line({ status: 'rejected', reasonCode: null, bankReference: null }), '970443', '500000', AT)).toMatchObject({ reasonCode: 'NARR', reasonText: null });
    const unknown = resultOf(line({ status: 'rejected', reasonCode: 'AC03', reasonText: 'Tai khoan khong hop le' }), '970443', '500000', AT);
    expect(unknown).toMatchObject({ reasonCode: 'NARR', reasonText: 'AC03: Tai khoan khong hop le' });
    expect(resultOf(line({ status: 'rejected', reasonCode: 'NOT_COLLECTED' }), 'VNPOST', '500000', AT)).toMatchObject({ reasonCode: 'NOT_COLLECTED' });
    expect(instructionReportedPayloadSchema.safeParse(unknown).success).toBe(true);
  });

  it('takes the instructed amount when the line does not say, and never drops a different one', () => {
    expect(resultOf(line({ amountDong: null }), '970443', '750000', AT).amountDong).toBe('750000');
    expect(resultOf(line({ amountDong: 499_999n }), '970443', '500000', AT).amountDong).toBe('499999');
  });

  it('carries no reason on an accepted or settled line, even if the bank wrote one', () => {
    expect(resultOf(line({ status: 'accepted', reasonCode: 'TECH', reasonText: 'x' }), 'VNPOST', '500000', AT)).toMatchObject({ reasonCode: null, reasonText: null });
  });
});

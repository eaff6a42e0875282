import { claimViolations, type ClaimCandidate } from './funeral-claim.rules';

describe('checks on the person who organises the funeral', () => {
  const today = '2026-11-23';
  // a woman born in 1968 in Hà Tĩnh (042), 20th century female → fourth digit 1
  const daughter: ClaimCandidate = { cccd: '042168001235', dateOfBirth: '1968-04-02', gender: 'female', channel: 'bank', institutionCode: '970436', accountNumber: '0071000999888' };

  it('accepts a valid CCCD with an account at a bank that pays on that channel, or cash', () => {
    expect(claimViolations(daughter, today)).toEqual([]);
    expect(claimViolations({ ...daughter, channel: 'cash', institutionCode: undefined, accountNumber: undefined }, today)).toEqual([]);
    expect(claimViolations({ ...daughter, channel: 'ewallet', institutionCode: 'MOMO', accountNumber: '0912345678' }, today)).toEqual([]);
  });

  it('cross-checks the CCCD against the declared gender and year of birth', () => {
    expect(claimViolations({ ...daughter, gender: 'male' }, today).map((violation) => violation.code)).toEqual(['PAYMENT.INVALID_CCCD']);
    expect(claimViolations({ ...daughter, dateOfBirth: '1969-04-02' }, today).map((violation) => violation.message)).toEqual(['Năm sinh mã hóa trong CCCD không khớp với ngày sinh đã khai.']);
  });

  it('refuses an unknown institution, a channel mismatch, VNPOST as an account, and an account with cash', () => {
    const codes = (candidate: ClaimCandidate) => claimViolations(candidate, today).map((violation) => violation.code);
    expect(codes({ ...daughter, institutionCode: '999999' })).toEqual(['PAYMENT.UNKNOWN_INSTITUTION']);
    expect(codes({ ...daughter, institutionCode: 'MOMO' })).toEqual(['PAYMENT.UNKNOWN_INSTITUTION']);
    expect(codes({ ...daughter, institutionCode: 'VNPOST' })).toEqual(['PAYMENT.UNKNOWN_INSTITUTION']);
    expect(codes({ ...daughter, accountNumber: '12AB' })).toEqual(['PAYMENT.INVALID_ACCOUNT_NUMBER']);
    expect(codes({ ...daughter, channel: 'cash' })).toEqual(['PAYMENT.CASH_HAS_NO_ACCOUNT']);
    expect(codes({ ...daughter, channel: 'ewallet', institutionCode: 'MOMO', accountNumber: '0071000999888' })).toEqual(['PAYMENT.INVALID_ACCOUNT_NUMBER']);
  });
});

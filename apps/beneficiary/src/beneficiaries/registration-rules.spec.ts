import { registrationRuleViolations, type RegistrationCandidate } from './registration-rules';

const valid: RegistrationCandidate = {
  fullName: 'Nguyễn Thị Đào',
  cccd: '042148001234',
  dateOfBirth: '1948-03-15',
  gender: 'female',
  provinceCode: '42',
  communeCode: '18073',
  programmeCode: 'TC_XH',
  categoryCode: 'NCT_80',
};
const today = '2026-11-23';
const codes = (change: Partial<RegistrationCandidate>) => registrationRuleViolations({ ...valid, ...change }, today).map((v) => v.code);

describe('registration rules', () => {
  it('accepts a consistent registration', () => {
    expect(registrationRuleViolations(valid, today)).toEqual([]);
  });

  it.each([
    [{ dateOfBirth: '2026-11-24' }, ['BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE', 'BENEFICIARY.INVALID_CCCD']],
    [{ dateOfBirth: '1899-12-31', cccd: '042099001234', gender: 'male' as const }, ['BENEFICIARY.DATE_OF_BIRTH_TOO_EARLY', 'BENEFICIARY.INVALID_CCCD']],
    [{ cccd: '042048001234' }, ['BENEFICIARY.INVALID_CCCD']],
    [{ communeCode: '00004' }, ['BENEFICIARY.COMMUNE_NOT_IN_PROVINCE']], // Phường Ba Đình is in Hà Nội
    [{ communeCode: '99999' }, ['BENEFICIARY.UNKNOWN_COMMUNE']],
    [{ provinceCode: '28' }, ['BENEFICIARY.UNKNOWN_PROVINCE']], // a pre-2025 code
  ])('%o → %o', (change, expected) => {
    expect(codes(change)).toEqual(expected);
  });

  it('names the commune and province in Vietnamese when they do not belong together', () => {
    const [violation] = registrationRuleViolations({ ...valid, communeCode: '00004' }, today);
    expect(violation.message).toBe('Phường Ba Đình không thuộc Tỉnh Hà Tĩnh.');
  });
});

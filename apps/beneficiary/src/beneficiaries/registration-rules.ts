import { CCCD_MESSAGES, checkCccd, COMMUNES_2025, PROVINCES_2025 } from '@app/contracts';

/** What a registration needs, however it arrives (HTTP body or a row of an officer's spreadsheet). */
export interface RegistrationCandidate {
  fullName: string;
  cccd: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  phone?: string | null;
  provinceCode: string;
  communeCode: string;
  legacyDistrictCode?: string | null;
  householdCode?: string | null;
  programmeCode: string;
  categoryCode: string;
}

export interface RuleViolation {
  code: string;
  field: keyof RegistrationCandidate;
  message: string;
}

/**
 * The rules that need more than one field: the CCCD against the declared birth data, dates, and the
 * commune against its province. Shapes (digits, lengths) are checked at the edge before this runs.
 * Pure, so bulk import and single registration apply exactly the same rules.
 */
export function registrationRuleViolations(candidate: RegistrationCandidate, today: string): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (candidate.dateOfBirth > today) {
    violations.push({ code: 'BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE', field: 'dateOfBirth', message: 'Ngày sinh không được sau ngày hôm nay.' });
  } else if (candidate.dateOfBirth < '1900-01-01') {
    violations.push({ code: 'BENEFICIARY.DATE_OF_BIRTH_TOO_EARLY', field: 'dateOfBirth', message: 'Ngày sinh trước năm 1900 là không hợp lệ.' });
  }
  for (const problem of checkCccd(candidate.cccd, candidate.dateOfBirth, candidate.gender)) {
    violations.push({ code: 'BENEFICIARY.INVALID_CCCD', field: 'cccd', message: CCCD_MESSAGES[problem] });
  }
  if (!(candidate.provinceCode in PROVINCES_2025)) {
    violations.push({ code: 'BENEFICIARY.UNKNOWN_PROVINCE', field: 'provinceCode', message: 'Mã tỉnh không có trong danh mục 34 tỉnh, thành phố từ 01/7/2025.' });
  } else {
    const commune = COMMUNES_2025[candidate.communeCode];
    if (!commune) {
      violations.push({ code: 'BENEFICIARY.UNKNOWN_COMMUNE', field: 'communeCode', message: 'Mã xã không có trong danh mục đơn vị hành chính từ 01/7/2025.' });
    } else if (commune[0] !== candidate.provinceCode) {
      violations.push({
        code: 'BENEFICIARY.COMMUNE_NOT_IN_PROVINCE',
        field: 'communeCode',
        message: `${commune[1]} không thuộc ${PROVINCES_2025[candidate.provinceCode]}.`,
      });
    }
  }
  return violations;
}

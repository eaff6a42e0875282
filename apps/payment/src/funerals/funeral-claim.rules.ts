import { CCCD_MESSAGES, CASH_INSTITUTION_CODE, checkCccd, payingInstitution, type Gender } from '@app/contracts';

export interface ClaimCandidate {
  cccd: string;
  dateOfBirth: string;
  gender: Gender;
  channel: 'bank' | 'ewallet' | 'cash';
  institutionCode?: string;
  accountNumber?: string;
}

export interface ClaimViolation {
  code: string;
  field: string;
  message: string;
}

/**
 * The checks on the person who organises a funeral, the same as on a beneficiary: the CCCD against the
 * declared birth data, and an account only at an institution that pays on that channel. Pure, so the
 * rules are unit-tested without a database.
 */
export function claimViolations(candidate: ClaimCandidate, today: string): ClaimViolation[] {
  const violations: ClaimViolation[] = [];
  if (candidate.dateOfBirth > today || candidate.dateOfBirth < '1900-01-01') {
    violations.push({ code: 'PAYMENT.INVALID_DATE_OF_BIRTH', field: 'claimant.dateOfBirth', message: 'Ngày sinh của người lo mai táng không hợp lệ.' });
  }
  for (const problem of checkCccd(candidate.cccd, candidate.dateOfBirth, candidate.gender)) {
    violations.push({ code: 'PAYMENT.INVALID_CCCD', field: 'claimant.cccd', message: CCCD_MESSAGES[problem] });
  }
  if (candidate.channel === 'cash') {
    if (candidate.institutionCode || candidate.accountNumber) {
      violations.push({ code: 'PAYMENT.CASH_HAS_NO_ACCOUNT', field: 'payTo', message: 'Nhận tiền mặt tại bưu điện thì không khai tài khoản.' });
    }
    return violations;
  }
  const institution = candidate.institutionCode ? payingInstitution(candidate.institutionCode) : undefined;
  if (!institution || institution.code === CASH_INSTITUTION_CODE || institution.channel !== candidate.channel) {
    violations.push({ code: 'PAYMENT.UNKNOWN_INSTITUTION', field: 'payTo.institutionCode', message: 'Tổ chức chi trả không có trong danh mục hoặc không chi trả qua kênh đã chọn.' });
  }
  if (!candidate.accountNumber || !/^\d{6,19}$/.test(candidate.accountNumber)) {
    violations.push({ code: 'PAYMENT.INVALID_ACCOUNT_NUMBER', field: 'payTo.accountNumber', message: 'Số tài khoản chỉ gồm chữ số, từ 6 đến 19 chữ số.' });
  } else if (candidate.channel === 'ewallet' && !/^0\d{9}$/.test(candidate.accountNumber)) {
    violations.push({ code: 'PAYMENT.INVALID_ACCOUNT_NUMBER', field: 'payTo.accountNumber', message: 'Ví điện tử được định danh bằng số điện thoại 10 chữ số của chủ ví.' });
  }
  return violations;
}

import { DomainError } from '@app/platform';
import type { RuleViolation } from './registration-rules';

export const BeneficiaryErrors = {
  /** Reported under the first rule's code, with every violation listed for the officer. */
  rulesViolated: (violations: RuleViolation[]) =>
    new DomainError(violations[0].code, violations.map((violation) => violation.message).join(' '), 'validation', { violations }),
  duplicate: (programmeCode: string) =>
    new DomainError('BENEFICIARY.DUPLICATE', `Người này đã có trong danh sách hưởng của chương trình ${programmeCode} (trùng số CCCD).`, 'conflict'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Đối tượng thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  notFound: () => new DomainError('BENEFICIARY.NOT_FOUND', 'Không tìm thấy đối tượng hưởng.', 'not_found'),

  ceaseNeedsReasonAndDate: () =>
    new DomainError('BENEFICIARY.CEASE_NEEDS_REASON_AND_DATE', 'Thôi hưởng cần lý do (ceaseReason) và ngày có hiệu lực (effectiveDate).', 'validation'),
  reasonRequired: () => new DomainError('BENEFICIARY.REASON_REQUIRED', 'Cần ghi mã lý do (reasonCode) cho thao tác này.', 'validation'),
};

import { CCCD_MESSAGES, type CccdProblem } from '@app/contracts';
import { DomainError } from '@app/platform';

export const BeneficiaryErrors = {
  invalidCccd: (problems: CccdProblem[]) =>
    new DomainError('BENEFICIARY.INVALID_CCCD', problems.map((problem) => CCCD_MESSAGES[problem]).join(' '), 'validation', { problems }),
  duplicate: (programmeCode: string) =>
    new DomainError('BENEFICIARY.DUPLICATE', `Người này đã có trong danh sách hưởng của chương trình ${programmeCode} (trùng số CCCD).`, 'conflict'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Đối tượng thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  notFound: () => new DomainError('BENEFICIARY.NOT_FOUND', 'Không tìm thấy đối tượng hưởng.', 'not_found'),
  dateOfBirthInFuture: () => new DomainError('BENEFICIARY.DATE_OF_BIRTH_IN_FUTURE', 'Ngày sinh không được sau ngày hôm nay.', 'validation'),
};

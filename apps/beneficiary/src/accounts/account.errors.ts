import { DomainError } from '@app/platform';

export const AccountErrors = {
  notFound: () => new DomainError('ACCOUNT.NOT_FOUND', 'Không tìm thấy tài khoản nhận tiền này của đối tượng.', 'not_found'),

  unknownBank: (bin: string) =>
    new DomainError('ACCOUNT.UNKNOWN_BANK', `Mã BIN ${bin} không có trong danh mục ngân hàng được phép chi trả.`, 'validation', { bankBin: bin }),
  unknownProvider: (code: string) =>
    new DomainError('ACCOUNT.UNKNOWN_PROVIDER', `Mã ví điện tử ${code} không có trong danh mục nhà cung cấp được phép chi trả.`, 'validation', { providerCode: code }),
  institutionMismatch: () =>
    new DomainError(
      'ACCOUNT.INSTITUTION_MISMATCH',
      'Tài khoản ngân hàng cần mã BIN (bankBin) và không có mã ví; ví điện tử cần mã nhà cung cấp (providerCode) và không có mã BIN.',
      'validation',
    ),
  invalidWalletNumber: () =>
    new DomainError('ACCOUNT.INVALID_WALLET_NUMBER', 'Số ví điện tử là số điện thoại di động của chủ ví: 10 chữ số, bắt đầu bằng 0.', 'validation'),
  alreadyLinked: () => new DomainError('ACCOUNT.ALREADY_LINKED', 'Tài khoản này đã được liên kết với đối tượng.', 'conflict'),
  beneficiaryCeased: () => new DomainError('ACCOUNT.BENEFICIARY_CEASED', 'Đối tượng đã thôi hưởng: không liên kết thêm tài khoản nhận tiền.', 'conflict'),

  notActive: () => new DomainError('ACCOUNT.NOT_ACTIVE', 'Tài khoản này đã bị thay thế hoặc từ chối, không còn được sử dụng.', 'conflict'),
  notAPendingChange: () =>
    new DomainError('ACCOUNT.NOT_A_PENDING_CHANGE', 'Tài khoản này không phải là một thay đổi tài khoản đang chờ hết thời gian chờ.', 'conflict'),
  coolOffOver: () => new DomainError('ACCOUNT.COOL_OFF_OVER', 'Thời gian chờ của thay đổi tài khoản đã kết thúc; không cần phê duyệt.', 'conflict'),
  selfApproval: () =>
    new DomainError('ACCOUNT.SELF_APPROVAL', 'Người thực hiện thay đổi tài khoản không được tự phê duyệt; cần một lãnh đạo khác.', 'forbidden'),
  nameEnquiryUnsupported: (bankName: string) =>
    new DomainError('ACCOUNT.NAME_ENQUIRY_UNSUPPORTED', `${bankName} không hỗ trợ tra cứu tên chủ tài khoản; cần kiểm tra thủ công.`, 'conflict'),
  notVerifiable: (status: string) =>
    new DomainError('ACCOUNT.NOT_VERIFIABLE', 'Tài khoản ở trạng thái này không thể xác minh lại.', 'conflict', { status }),
  nothingToReview: (status: string) =>
    new DomainError('ACCOUNT.NOTHING_TO_REVIEW', 'Chỉ tài khoản lệch tên hoặc chờ kiểm tra thủ công mới cần duyệt.', 'conflict', { status }),
};

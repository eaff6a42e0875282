import { DomainError } from '@app/platform';

export const ImportErrors = {
  fileMissing: () => new DomainError('IMPORT.FILE_MISSING', 'Chưa chọn tệp danh sách (trường "file").', 'validation'),
  unsupportedFile: (message: string) => new DomainError('IMPORT.UNSUPPORTED_FILE_TYPE', message, 'validation'),
  notFound: () => new DomainError('IMPORT.NOT_FOUND', 'Không tìm thấy lần nhập danh sách này.', 'not_found'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Lần nhập danh sách này thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
};

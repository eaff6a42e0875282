import { DomainError } from '@app/platform';

export const RecipientErrors = {
  notFound: () =>
    new DomainError('NOTIFICATION.RECIPIENT_NOT_FOUND', 'Chưa có thông tin người nhận này (đối tượng chưa được đăng ký hoặc chưa đồng bộ).', 'not_found'),
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Đối tượng thuộc địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  /** A channel listed without the address it needs; every such field is named for the officer. */
  addressMissing: (fields: Record<string, string[]>) =>
    new DomainError('NOTIFICATION.CONTACT_ADDRESS_MISSING', 'Kênh nhận thông báo đã chọn thiếu địa chỉ liên lạc, xem chi tiết từng trường.', 'validation', { fields }),
};

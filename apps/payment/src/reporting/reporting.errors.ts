import { DomainError } from '@app/platform';

export const ReportingErrors = {
  outOfArea: () => new DomainError('AUTH.OUT_OF_AREA', 'Địa bàn ngoài phạm vi quản lý của bạn.', 'forbidden'),
  communeOutsideProvince: () => new DomainError('REPORTING.COMMUNE_NOT_IN_PROVINCE', 'Xã đã chọn không thuộc tỉnh đã chọn.', 'validation'),
  districtAfterReform: () =>
    new DomainError('REPORTING.NO_DISTRICTS_AFTER_REFORM', 'Từ kỳ 07/2025 không còn cấp huyện; hãy xem theo tỉnh và xã.', 'validation'),
  trendRange: () => new DomainError('REPORTING.INVALID_RANGE', 'Khoảng kỳ không hợp lệ: kỳ đầu phải trước kỳ cuối, tối đa 60 kỳ.', 'validation'),
};

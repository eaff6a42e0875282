import { PROVINCES_2025 } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim().replace(/\s+/g, ' ') : value);

export class RegisterBeneficiaryDto {
  @ApiProperty({ example: 'Nguyễn Thị Đào' })
  @Transform(trimmed)
  @IsString({ message: 'Họ tên phải là chuỗi ký tự.' })
  @Length(1, 200, { message: 'Họ tên phải có từ 1 đến 200 ký tự.' })
  fullName: string;

  @ApiProperty({ example: '042148001234', description: '12 chữ số; được đối chiếu với ngày sinh và giới tính' })
  @Matches(/^\d{12}$/, { message: 'Số CCCD phải gồm đúng 12 chữ số.' })
  cccd: string;

  @ApiProperty({ example: '1948-03-15' })
  @IsISO8601({ strict: true }, { message: 'Ngày sinh phải theo dạng YYYY-MM-DD.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Ngày sinh phải theo dạng YYYY-MM-DD.' })
  dateOfBirth: string;

  @ApiProperty({ enum: ['male', 'female'] })
  @IsIn(['male', 'female'], { message: 'Giới tính phải là male hoặc female.' })
  gender: 'male' | 'female';

  @ApiPropertyOptional({ example: '0912345678' })
  @IsOptional()
  @Matches(/^0\d{9}$/, { message: 'Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.' })
  phone?: string;

  @ApiProperty({ example: '42', description: 'Mã tỉnh theo danh mục từ 01/7/2025' })
  @IsIn(Object.keys(PROVINCES_2025), { message: 'Mã tỉnh không có trong danh mục 34 tỉnh, thành phố từ 01/7/2025.' })
  provinceCode: string;

  @ApiProperty({ example: '18073', description: 'Mã xã/phường (5 chữ số)' })
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode: string;

  @ApiPropertyOptional({ example: '436', description: 'Mã huyện cũ (trước 01/7/2025), nếu danh sách gốc còn ghi' })
  @IsOptional()
  @Matches(/^\d{3}$/, { message: 'Mã huyện (cũ) phải gồm 3 chữ số.' })
  legacyDistrictCode?: string;

  @ApiPropertyOptional({ example: 'HT-18073-00125', description: 'Mã hộ gia đình theo danh sách của xã' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'Mã hộ chỉ gồm chữ, số, gạch ngang, gạch dưới (1–40 ký tự).' })
  householdCode?: string;

  @ApiProperty({ example: 'TC_XH', description: 'Mã chương trình (trợ cấp xã hội, người có công, …)' })
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  programmeCode: string;

  @ApiProperty({ example: 'NCT_80', description: 'Mã nhóm đối tượng (quyết định hệ số)' })
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã nhóm đối tượng chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  categoryCode: string;

  @ApiPropertyOptional({ enum: ['account', 'cash'], default: 'account', description: 'Người hưởng chọn nhận tiền mặt tại bưu điện (cash) hay qua tài khoản (account)' })
  @IsOptional()
  @IsIn(['account', 'cash'], { message: 'Hình thức nhận phải là account (tài khoản) hoặc cash (tiền mặt).' })
  paymentPreference?: 'account' | 'cash';
}

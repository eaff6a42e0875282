import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export class CoverageQueryDto {
  @ApiProperty({ example: '2023-11', description: 'Kỳ chi (YYYY-MM)' })
  @Matches(PERIOD, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period: string;

  @ApiPropertyOptional({ example: 'TC_XH', description: 'Mã chương trình; bỏ trống = mọi chương trình' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới.' })
  programmeCode?: string;

  @ApiPropertyOptional({ example: '42' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '18073' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode?: string;

  @ApiPropertyOptional({ enum: ['province', 'commune', 'district'], description: 'Nhóm theo tỉnh, xã, hoặc huyện cũ (kỳ trước 07/2025); mặc định: cấp dưới của phạm vi' })
  @IsOptional()
  @IsIn(['province', 'commune', 'district'], { message: 'Nhóm theo province, commune hoặc district.' })
  groupBy?: 'province' | 'commune' | 'district';
}

export class CoverageTrendQueryDto {
  @ApiProperty({ example: '2023-06', description: 'Từ kỳ (YYYY-MM)' })
  @Matches(PERIOD, { message: 'Kỳ đầu phải theo dạng YYYY-MM.' })
  from: string;

  @ApiProperty({ example: '2023-11', description: 'Đến kỳ (YYYY-MM), tối đa 60 kỳ' })
  @Matches(PERIOD, { message: 'Kỳ cuối phải theo dạng YYYY-MM.' })
  to: string;

  @ApiPropertyOptional({ example: 'TC_XH' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới.' })
  programmeCode?: string;

  @ApiPropertyOptional({ example: '42' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '18073' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode?: string;
}

export class NotCashlessQueryDto {
  @ApiProperty({ example: '2023-11' })
  @Matches(PERIOD, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period: string;

  @ApiProperty({ example: '18073', description: 'Danh sách theo từng xã' })
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode: string;

  @ApiPropertyOptional({ example: 'TC_XH' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới.' })
  programmeCode?: string;

  @ApiPropertyOptional({ description: 'Trang tiếp theo: mã người hưởng cuối của trang trước' })
  @IsOptional()
  @Matches(/^[0-9a-f-]{36}$/, { message: 'Mã trang tiếp theo không hợp lệ.' })
  after?: string;
}

export class RefreshCoverageDto {
  @ApiProperty({ example: '2023-11' })
  @Matches(PERIOD, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period: string;

  @ApiPropertyOptional({ example: '42', description: 'Bỏ trống: mọi tỉnh trong phạm vi của bạn' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;
}

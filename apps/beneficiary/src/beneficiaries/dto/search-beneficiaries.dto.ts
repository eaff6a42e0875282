import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { BENEFICIARY_STATUSES, type BeneficiaryStatus } from '../beneficiary.entity';

export class SearchBeneficiariesDto {
  @ApiPropertyOptional({ description: 'Tên (không cần dấu, tìm theo đầu tên) hoặc các số cuối CCCD' })
  @IsOptional()
  @IsString({ message: 'Từ khóa tìm kiếm phải là chuỗi ký tự.' })
  @Length(2, 100, { message: 'Từ khóa tìm kiếm phải có từ 2 đến 100 ký tự.' })
  q?: string;

  @ApiPropertyOptional({ example: '42' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;

  @ApiPropertyOptional({ example: '18073' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode?: string;

  @ApiPropertyOptional({ enum: BENEFICIARY_STATUSES })
  @IsOptional()
  @IsIn(BENEFICIARY_STATUSES, { message: 'Trạng thái không hợp lệ.' })
  status?: BeneficiaryStatus;

  @ApiPropertyOptional({ example: 'TC_XH' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình không hợp lệ.' })
  programmeCode?: string;

  @ApiPropertyOptional({ default: 1 })
  @Type(() => Number)
  @IsInt({ message: 'Số trang phải là số nguyên.' })
  @Min(1, { message: 'Số trang bắt đầu từ 1.' })
  page = 1;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @Type(() => Number)
  @IsInt({ message: 'Cỡ trang phải là số nguyên.' })
  @Min(1, { message: 'Cỡ trang tối thiểu là 1.' })
  @Max(500, { message: 'Cỡ trang tối đa là 500.' })
  pageSize = 50;
}

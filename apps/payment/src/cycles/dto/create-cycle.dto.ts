import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class CreateCycleDto {
  @ApiProperty({ example: 'TC_XH' })
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  programmeCode: string;

  @ApiProperty({ example: '42' })
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode: string;

  @ApiPropertyOptional({ example: '18073', description: 'Bỏ trống để lập kỳ chi cho cả tỉnh' })
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode?: string;

  @ApiProperty({ example: '2026-12', description: 'Tháng chi trả (YYYY-MM)' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period: string;
}

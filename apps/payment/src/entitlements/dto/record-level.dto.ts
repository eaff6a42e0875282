import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';

export class RecordLevelDto {
  @ApiProperty({ example: 'TC_XH' })
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  programmeCode: string;

  @ApiPropertyOptional({ example: '01', description: 'Bỏ trống: mức chuẩn toàn quốc; có mã tỉnh: mức riêng của tỉnh (chỉ được cao hơn mức toàn quốc)' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;

  @ApiProperty({ example: '500000', description: 'Mức chuẩn, số đồng nguyên (chuỗi chữ số)' })
  @Matches(/^[1-9]\d{0,11}$/, { message: 'Mức chuẩn phải là số đồng nguyên dương (chuỗi chữ số).' })
  amountDong: string;

  @ApiProperty({ example: '2024-07-01', description: 'Ngày hiệu lực, luôn là ngày đầu tháng' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-01$/, { message: 'Ngày hiệu lực phải là ngày đầu tháng, dạng YYYY-MM-01.' })
  effectiveFrom: string;

  @ApiProperty({ example: 'Nghị định 76/2024/NĐ-CP' })
  @Length(3, 200, { message: 'Căn cứ pháp lý từ 3 đến 200 ký tự.' })
  legalBasis: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export class PayoutQueryDto {
  @ApiPropertyOptional({ description: 'Số CCCD của người thụ hưởng (12 chữ số)' })
  @IsOptional()
  @Matches(/^\d{12}$/, { message: 'Số CCCD phải gồm 12 chữ số.' })
  cccd?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  cycleId?: string;

  @ApiPropertyOptional({ description: 'BIN ngân hàng, mã ví điện tử hoặc VNPOST' })
  @IsOptional()
  @Matches(/^(\d{6}|[A-Z0-9_]{2,30})$/, { message: 'Mã tổ chức chi trả không hợp lệ.' })
  institutionCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'Mã tỉnh phải gồm 2 chữ số.' })
  provinceCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{5}$/, { message: 'Mã xã phải gồm 5 chữ số.' })
  communeCode?: string;

  @ApiPropertyOptional({ enum: ['awaiting_claim', 'awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled'] })
  @IsOptional()
  @IsIn(['awaiting_claim', 'awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled'], { message: 'Trạng thái không hợp lệ.' })
  status?: string;

  @ApiPropertyOptional({ example: '2026-12' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period?: string;

  @ApiPropertyOptional({ description: 'Trang tiếp theo: id khoản hưởng cuối của trang trước' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

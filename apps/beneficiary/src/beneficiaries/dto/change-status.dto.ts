import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import type { CeaseReason } from '../beneficiary-lifecycle';

export class ChangeStatusDto {
  @ApiProperty({ enum: ['verify', 'suspend', 'reinstate', 'cease'] })
  @IsIn(['verify', 'suspend', 'reinstate', 'cease'], { message: 'Thao tác phải là verify, suspend, reinstate hoặc cease.' })
  action: 'verify' | 'suspend' | 'reinstate' | 'cease';

  @ApiPropertyOptional({ example: 'UNDER_REVIEW', description: 'Bắt buộc khi tạm dừng hoặc cho hưởng lại' })
  @IsOptional()
  @Matches(/^[A-Z_]{2,60}$/, { message: 'Mã lý do chỉ gồm chữ in hoa và dấu gạch dưới.' })
  reasonCode?: string;

  @ApiPropertyOptional({ enum: ['DECEASED', 'INELIGIBLE', 'MOVED', 'DUPLICATE'], description: 'Bắt buộc khi thôi hưởng' })
  @IsOptional()
  @IsIn(['DECEASED', 'INELIGIBLE', 'MOVED', 'DUPLICATE'], { message: 'Lý do thôi hưởng phải là DECEASED, INELIGIBLE, MOVED hoặc DUPLICATE.' })
  ceaseReason?: CeaseReason;

  @ApiPropertyOptional({ example: '2026-11-20', description: 'Ngày sự kiện (mất, hết điều kiện); ngừng chi từ tháng sau' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'Ngày có hiệu lực phải theo dạng YYYY-MM-DD.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Ngày có hiệu lực phải theo dạng YYYY-MM-DD.' })
  effectiveDate?: string;
}

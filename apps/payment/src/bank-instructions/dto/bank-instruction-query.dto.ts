import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export const INSTRUCTION_STATUSES = ['sent', 'accepted', 'retry_wait', 'settled', 'rejected', 'unanswered'] as const;

export class BankInstructionQueryDto {
  @ApiPropertyOptional({ enum: INSTRUCTION_STATUSES })
  @IsOptional()
  @IsIn(INSTRUCTION_STATUSES, { message: 'Trạng thái lệnh chi không hợp lệ.' })
  status?: (typeof INSTRUCTION_STATUSES)[number];

  @ApiPropertyOptional({ example: '2026-12' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Kỳ chi phải theo dạng YYYY-MM.' })
  period?: string;

  @ApiPropertyOptional({ description: 'Lô đã phê duyệt (batchId của lệnh chi)' })
  @IsOptional()
  @IsUUID('all', { message: 'Mã lô phải là UUID.' })
  batchId?: string;

  @ApiPropertyOptional({ description: 'Trang tiếp theo: nextCursor của trang trước' })
  @IsOptional()
  @IsUUID('all', { message: 'Con trỏ trang phải là mã lệnh chi (UUID).' })
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Số dòng mỗi trang phải là số nguyên.' })
  @Min(1, { message: 'Số dòng mỗi trang ít nhất là 1.' })
  @Max(500, { message: 'Số dòng mỗi trang nhiều nhất là 500.' })
  limit?: number;
}

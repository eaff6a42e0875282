import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ApproveBatchDto {
  @ApiProperty({ description: 'Mã kiểm tra (contentHash) của bảng kê mà người phê duyệt đã xem', example: 'a3f1…' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'Mã kiểm tra bảng kê phải gồm 64 ký tự hex.' })
  contentHash: string;
}

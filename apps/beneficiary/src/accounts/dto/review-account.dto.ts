import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value);

export class ReviewAccountDto {
  @ApiProperty({ enum: ['confirm', 'reject'], description: 'confirm: đúng tài khoản của đối tượng; reject: không chi trả vào tài khoản này' })
  @IsIn(['confirm', 'reject'], { message: 'Quyết định phải là confirm hoặc reject.' })
  decision: 'confirm' | 'reject';

  @ApiProperty({ example: 'Đã đối chiếu sổ tiết kiệm NHCSXH, tên trùng khớp.', description: 'Căn cứ của quyết định, lưu vào lịch sử' })
  @Transform(trimmed)
  @IsString({ message: 'Ghi chú phải là chuỗi ký tự.' })
  @Length(3, 500, { message: 'Ghi chú căn cứ quyết định từ 3 đến 500 ký tự.' })
  note: string;
}

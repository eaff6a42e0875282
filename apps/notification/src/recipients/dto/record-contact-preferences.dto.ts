import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { NOTICE_CHANNELS, type NoticeChannel } from '../contact-plan';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RecordContactPreferencesDto {
  @ApiProperty({
    enum: NOTICE_CHANNELS,
    isArray: true,
    example: ['zalo', 'sms'],
    description: 'Thứ tự kênh nhận thông báo; gửi không được thì chuyển sang kênh kế tiếp. SMS tới số điện thoại trong CSDL luôn là kênh dự phòng cuối cùng.',
  })
  @IsArray({ message: 'Danh sách kênh (channels) phải là một mảng.' })
  @ArrayMinSize(1, { message: 'Cần chọn ít nhất một kênh nhận thông báo.' })
  @ArrayMaxSize(NOTICE_CHANNELS.length, { message: 'Chỉ có ba kênh: sms, zalo, email.' })
  @ArrayUnique({ message: 'Mỗi kênh chỉ được chọn một lần.' })
  @IsIn(NOTICE_CHANNELS, { each: true, message: 'Kênh nhận thông báo phải là sms, zalo hoặc email.' })
  channels: NoticeChannel[];

  @ApiPropertyOptional({ example: 'dao.nguyen@example.vn' })
  @IsOptional()
  @Transform(trimmed)
  @MaxLength(254, { message: 'Địa chỉ e-mail quá dài.' })
  @IsEmail({}, { message: 'Địa chỉ e-mail không hợp lệ.' })
  email?: string;

  @ApiPropertyOptional({ example: '5833212345678901234', description: 'Mã người dùng Zalo (user_id) của đối tượng đối với Zalo OA của Sở' })
  @IsOptional()
  @Transform(trimmed)
  @Matches(/^\d{6,25}$/, { message: 'Mã người dùng Zalo chỉ gồm chữ số (6 đến 25 chữ số).' })
  zaloUserId?: string;
}

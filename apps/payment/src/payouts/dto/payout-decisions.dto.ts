import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Length } from 'class-validator';

export const CANCEL_REASONS = ['BENEFICIARY_DECEASED', 'NOT_ENTITLED', 'DUPLICATE_PAYMENT', 'UNCLAIMED', 'FUNERAL_NOT_CLAIMED'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export class ProposeReleaseDto {
  @ApiProperty({ enum: ['account', 'cash'], description: 'Chi lại vào một tài khoản đã xác minh, hoặc tiền mặt tại bưu điện' })
  @IsIn(['account', 'cash'], { message: 'Hình thức chi lại phải là account hoặc cash.' })
  payTo: 'account' | 'cash';

  @ApiPropertyOptional({ description: 'Tài khoản đã xác minh (của đối tượng; với hỗ trợ mai táng: tài khoản của người lo mai táng)' })
  @IsOptional()
  @IsUUID('all', { message: 'Mã tài khoản không hợp lệ.' })
  accountId?: string;

  @ApiProperty({ example: 'Đã liên hệ gia đình, bà Đào nhận tiền mặt tại bưu điện xã.' })
  @Length(5, 500, { message: 'Ghi chú từ 5 đến 500 ký tự.' })
  note: string;
}

export class ApproveReleaseDto {
  @ApiProperty({ description: 'Mã đề xuất chi lại mà người phê duyệt đã xem' })
  @IsUUID('all', { message: 'Mã đề xuất không hợp lệ.' })
  releaseId: string;
}

export class CancelPayoutDto {
  @ApiProperty({ enum: CANCEL_REASONS })
  @IsIn(CANCEL_REASONS, { message: `Lý do hủy phải là một trong: ${CANCEL_REASONS.join(', ')}.` })
  reasonCode: CancelReason;

  @ApiProperty({ example: 'Gia đình xác nhận đã nhận đủ tại kỳ trước.' })
  @Length(5, 500, { message: 'Ghi chú từ 5 đến 500 ký tự.' })
  note: string;
}

import { CONSENT_METHODS, PAYMENT_CHANNELS, type ConsentMethod, type PaymentChannel } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';

// Officers copy numbers from passbooks and cards with spaces or dots between groups of digits.
const withoutSeparators = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\s.-]/g, '') : value);

export class ConsentDto {
  @ApiProperty({ enum: CONSENT_METHODS, description: 'Cách đối tượng đồng ý: giấy đề nghị (paper_form), qua VNeID, trực tiếp với cán bộ (in_person)' })
  @IsIn(CONSENT_METHODS, { message: 'Cách ghi nhận đồng ý phải là paper_form, vneid hoặc in_person.' })
  method: ConsentMethod;
}

export class LinkAccountDto {
  @ApiProperty({ enum: PAYMENT_CHANNELS })
  @IsIn(PAYMENT_CHANNELS, { message: 'Kênh nhận tiền phải là bank hoặc ewallet.' })
  channel: PaymentChannel;

  @ApiPropertyOptional({ example: '970436', description: 'Mã BIN NAPAS của ngân hàng (kênh bank)' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'Mã BIN ngân hàng phải gồm 6 chữ số.' })
  bankBin?: string;

  @ApiPropertyOptional({ example: 'MOMO', description: 'Mã nhà cung cấp ví điện tử (kênh ewallet)' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,30}$/, { message: 'Mã nhà cung cấp ví chỉ gồm chữ in hoa, chữ số và dấu gạch dưới.' })
  providerCode?: string;

  @ApiProperty({ example: '0071000123456', description: 'Số tài khoản (ví điện tử: số điện thoại của chủ ví). Được mã hóa khi lưu, chỉ hiển thị 4 số cuối.' })
  @Transform(withoutSeparators)
  @Matches(/^\d{6,19}$/, { message: 'Số tài khoản chỉ gồm chữ số, từ 6 đến 19 chữ số.' })
  accountNumber: string;

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 9, description: '1 được chi trước; tiền mặt qua bưu điện luôn là kênh cuối cùng' })
  @IsOptional()
  @IsInt({ message: 'Thứ tự ưu tiên phải là số nguyên.' })
  @Min(1, { message: 'Thứ tự ưu tiên từ 1 đến 9.' })
  @Max(9, { message: 'Thứ tự ưu tiên từ 1 đến 9.' })
  priority: number = 1;

  @ApiProperty({ type: ConsentDto, description: 'Sự đồng ý của đối tượng; người ghi nhận và thời điểm lấy từ phiên đăng nhập' })
  @IsDefined({ message: 'Cần ghi nhận sự đồng ý của đối tượng (consent).' })
  @ValidateNested()
  @Type(() => ConsentDto)
  consent: ConsentDto;
}

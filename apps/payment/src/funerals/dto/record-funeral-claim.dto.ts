import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, Length, Matches, ValidateNested } from 'class-validator';

const withoutSeparators = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\s.-]/g, '') : value);

export const CLAIMANT_RELATIONSHIPS = ['spouse', 'child', 'parent', 'sibling', 'grandchild', 'other_relative', 'organisation', 'other'] as const;

export class ClaimantDto {
  @ApiProperty({ example: 'Trần Thị Mai' })
  @Length(1, 200, { message: 'Họ tên người lo mai táng từ 1 đến 200 ký tự.' })
  fullName: string;

  @ApiProperty({ example: '042168001235' })
  @Matches(/^\d{12}$/, { message: 'Số CCCD phải gồm đúng 12 chữ số.' })
  cccd: string;

  @ApiProperty({ example: '1968-04-02' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Ngày sinh phải theo dạng YYYY-MM-DD.' })
  dateOfBirth: string;

  @ApiProperty({ enum: ['male', 'female'] })
  @IsIn(['male', 'female'], { message: 'Giới tính phải là male hoặc female.' })
  gender: 'male' | 'female';

  @ApiProperty({ enum: CLAIMANT_RELATIONSHIPS, description: 'Quan hệ với người đã mất (organisation: cơ quan, tổ chức đứng ra mai táng)' })
  @IsIn(CLAIMANT_RELATIONSHIPS, { message: 'Quan hệ với người đã mất không hợp lệ.' })
  relationship: (typeof CLAIMANT_RELATIONSHIPS)[number];
}

export class PayToDto {
  @ApiProperty({ enum: ['bank', 'ewallet', 'cash'] })
  @IsIn(['bank', 'ewallet', 'cash'], { message: 'Kênh nhận tiền phải là bank, ewallet hoặc cash.' })
  channel: 'bank' | 'ewallet' | 'cash';

  @ApiPropertyOptional({ example: '970436', description: 'BIN ngân hàng hoặc mã ví điện tử; bỏ trống khi nhận tiền mặt' })
  @IsOptional()
  @Matches(/^(\d{6}|[A-Z0-9_]{2,30})$/, { message: 'Mã tổ chức chi trả không hợp lệ.' })
  institutionCode?: string;

  @ApiPropertyOptional({ example: '0071000999888', description: 'Số tài khoản của người lo mai táng; được niêm phong khi lưu' })
  @IsOptional()
  @Transform(withoutSeparators)
  @Matches(/^\d{6,19}$/, { message: 'Số tài khoản chỉ gồm chữ số, từ 6 đến 19 chữ số.' })
  accountNumber?: string;
}

export class RecordFuneralClaimDto {
  @ApiProperty({ type: ClaimantDto })
  @IsDefined({ message: 'Cần thông tin người lo mai táng (claimant).' })
  @ValidateNested()
  @Type(() => ClaimantDto)
  claimant: ClaimantDto;

  @ApiProperty({ type: PayToDto })
  @IsDefined({ message: 'Cần cách nhận tiền (payTo).' })
  @ValidateNested()
  @Type(() => PayToDto)
  payTo: PayToDto;
}

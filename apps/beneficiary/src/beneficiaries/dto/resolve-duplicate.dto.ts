import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';

export class ResolveDuplicateDto {
  @ApiProperty({ enum: ['distinct_people', 'same_person'] })
  @IsIn(['distinct_people', 'same_person'], { message: 'Quyết định phải là distinct_people hoặc same_person.' })
  decision: 'distinct_people' | 'same_person';

  @ApiPropertyOptional({ description: 'Ghi chú của cán bộ' })
  @IsOptional()
  @IsString({ message: 'Ghi chú phải là chuỗi ký tự.' })
  @Length(1, 1000, { message: 'Ghi chú tối đa 1000 ký tự.' })
  note?: string;

  @ApiPropertyOptional({ description: 'Khi là cùng một người: ngày thôi hưởng bản ghi trùng (mặc định hôm nay)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'Ngày phải theo dạng YYYY-MM-DD.' })
  effectiveDate?: string;
}

import { DomainError } from '@app/platform';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class ProgrammeQueryDto {
  @ApiProperty({ example: 'TC_XH' })
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'Mã chương trình chỉ gồm chữ in hoa, chữ số và dấu gạch dưới (2–40 ký tự).' })
  programmeCode: string;
}

@Injectable()
export class ParseLevelIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[1-9]\d{0,17}$/.test(value)) throw new DomainError('PAYMENT.INVALID_LEVEL_ID', 'Mã mức chuẩn không hợp lệ.', 'validation');
    return value;
  }
}

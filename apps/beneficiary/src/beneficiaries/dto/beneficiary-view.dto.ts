import { maskCccd } from '@app/contracts';
import { ApiProperty } from '@nestjs/swagger';
import type { BeneficiaryEntity, BeneficiaryStatus } from '../beneficiary.entity';

/** What an officer's screen shows: identity numbers masked, the rest as registered. */
export class BeneficiaryViewDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: '*********234' }) cccdMasked: string;
  @ApiProperty() fullName: string;
  @ApiProperty() dateOfBirth: string;
  @ApiProperty() gender: 'male' | 'female';
  @ApiProperty({ nullable: true, example: '*******678' }) phoneMasked: string | null;
  @ApiProperty() provinceCode: string;
  @ApiProperty() communeCode: string;
  @ApiProperty() programmeCode: string;
  @ApiProperty() categoryCode: string;
  @ApiProperty() status: BeneficiaryStatus;
  @ApiProperty() registeredAt: string;

  static of(entity: BeneficiaryEntity): BeneficiaryViewDto {
    return {
      id: entity.id,
      cccdMasked: maskCccd(entity.cccd),
      fullName: entity.fullName,
      dateOfBirth: entity.dateOfBirth,
      gender: entity.gender,
      phoneMasked: entity.phone ? maskCccd(entity.phone) : null,
      provinceCode: entity.provinceCode,
      communeCode: entity.communeCode,
      programmeCode: entity.programmeCode,
      categoryCode: entity.categoryCode,
      status: entity.status,
      registeredAt: entity.registeredAt.toISOString(),
    };
  }
}

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
  @ApiProperty({ nullable: true }) householdCode: string | null;
  @ApiProperty() programmeCode: string;
  @ApiProperty() categoryCode: string;
  @ApiProperty() status: BeneficiaryStatus;
  @ApiProperty({ nullable: true }) ceaseReason: string | null;
  @ApiProperty({ nullable: true, description: 'No entitlement from this date (first day of the month after the cease).' }) paymentsStopFrom: string | null;
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
      householdCode: entity.householdCode,
      programmeCode: entity.programmeCode,
      categoryCode: entity.categoryCode,
      status: entity.status,
      ceaseReason: entity.ceaseReason,
      paymentsStopFrom: entity.paymentsStopFrom,
      registeredAt: entity.registeredAt.toISOString(),
    };
  }
}

export class RegisteredBeneficiaryDto extends BeneficiaryViewDto {
  @ApiProperty({ type: [String], description: 'Beneficiaries this one may duplicate (same name, date of birth, commune, programme; different CCCD), flagged for an officer.' })
  possibleDuplicateOf: string[];
}

export class BeneficiaryPageDto {
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty({ type: [BeneficiaryViewDto] }) items: BeneficiaryViewDto[];
}

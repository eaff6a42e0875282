import { beneficiaryRegisteredV1, checkCccd } from '@app/contracts';
import { coversArea, isUniqueViolation, OutboxService, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { BeneficiaryStatusChangeEntity } from './beneficiary-status-change.entity';
import { BeneficiaryEntity } from './beneficiary.entity';
import { BeneficiaryErrors } from './beneficiary.errors';
import { BeneficiaryViewDto } from './dto/beneficiary-view.dto';
import type { RegisterBeneficiaryDto } from './dto/register-beneficiary.dto';

@Injectable()
export class BeneficiariesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Enters a person in a programme's registry. Every check runs before anything is written; the
   * row, its first status and the `registered` event commit together or not at all.
   */
  async register(input: RegisterBeneficiaryDto, principal: Principal): Promise<BeneficiaryViewDto> {
    if (!coversArea(principal, input)) throw BeneficiaryErrors.outOfArea();
    if (input.dateOfBirth > new Date().toISOString().slice(0, 10)) throw BeneficiaryErrors.dateOfBirthInFuture();
    const problems = checkCccd(input.cccd, input.dateOfBirth, input.gender);
    if (problems.length > 0) throw BeneficiaryErrors.invalidCccd(problems);

    const actor = `${principal.role}:${principal.sub}`;
    try {
      const saved = await this.dataSource.transaction(async (manager) => {
        const beneficiary = await manager.save(
          manager.create(BeneficiaryEntity, {
            id: uuidv7(),
            cccd: input.cccd,
            fullName: input.fullName,
            dateOfBirth: input.dateOfBirth,
            gender: input.gender,
            phone: input.phone ?? null,
            provinceCode: input.provinceCode,
            communeCode: input.communeCode,
            legacyDistrictCode: input.legacyDistrictCode ?? null,
            programmeCode: input.programmeCode,
            categoryCode: input.categoryCode,
            // Identity is confirmed against the population registry before the first payout.
            status: 'pending_verification',
            registeredBy: actor,
          }),
        );
        await manager.insert(BeneficiaryStatusChangeEntity, {
          beneficiaryId: beneficiary.id,
          fromStatus: null,
          toStatus: beneficiary.status,
          reasonCode: 'REGISTERED',
          actor,
        });
        await this.outbox.add(manager, beneficiaryRegisteredV1, beneficiary.id, {
          beneficiaryId: beneficiary.id,
          cccd: beneficiary.cccd,
          fullName: beneficiary.fullName,
          dateOfBirth: beneficiary.dateOfBirth,
          gender: beneficiary.gender,
          phone: beneficiary.phone,
          provinceCode: beneficiary.provinceCode,
          communeCode: beneficiary.communeCode,
          legacyDistrictCode: beneficiary.legacyDistrictCode,
          programmeCode: beneficiary.programmeCode,
          categoryCode: beneficiary.categoryCode,
          status: 'pending_verification',
          registeredAt: beneficiary.registeredAt.toISOString(),
        });
        return beneficiary;
      });
      return BeneficiaryViewDto.of(saved);
    } catch (error) {
      if (isUniqueViolation(error, 'beneficiary_cccd_programme_key')) throw BeneficiaryErrors.duplicate(input.programmeCode);
      throw error;
    }
  }

  async get(id: string, principal: Principal): Promise<BeneficiaryViewDto> {
    const beneficiary = await this.dataSource.getRepository(BeneficiaryEntity).findOneBy({ id });
    if (!beneficiary) throw BeneficiaryErrors.notFound();
    if (!coversArea(principal, beneficiary)) throw BeneficiaryErrors.outOfArea();
    return BeneficiaryViewDto.of(beneficiary);
  }
}

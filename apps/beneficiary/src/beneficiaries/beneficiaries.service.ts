import { beneficiaryRegisteredV1 } from '@app/contracts';
import { coversArea, isUniqueViolation, OutboxService, type Principal } from '@app/platform';
import { foldVietnamese } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { LifecycleAction } from './beneficiary-lifecycle';
import { BeneficiaryLifecycleService } from './beneficiary-lifecycle.service';
import { BeneficiaryStatusChangeEntity } from './beneficiary-status-change.entity';
import type { ChangeStatusDto } from './dto/change-status.dto';
import { BeneficiaryEntity } from './beneficiary.entity';
import { BeneficiaryErrors } from './beneficiary.errors';
import { BeneficiaryPageDto, BeneficiaryViewDto, RegisteredBeneficiaryDto } from './dto/beneficiary-view.dto';
import type { SearchBeneficiariesDto } from './dto/search-beneficiaries.dto';
import { flagLikelyDuplicates } from './duplicate-detection';
import type { RegisterBeneficiaryDto } from './dto/register-beneficiary.dto';
import { registrationRuleViolations } from './registration-rules';

@Injectable()
export class BeneficiariesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly lifecycle: BeneficiaryLifecycleService,
  ) {}

  /**
   * Enters a person in a programme's registry. Every check runs before anything is written; the
   * row, its first status and the `registered` event commit together or not at all.
   */
  async register(input: RegisterBeneficiaryDto, principal: Principal): Promise<RegisteredBeneficiaryDto> {
    if (!coversArea(principal, input)) throw BeneficiaryErrors.outOfArea();
    const violations = registrationRuleViolations(input, new Date().toISOString().slice(0, 10));
    if (violations.length > 0) throw BeneficiaryErrors.rulesViolated(violations);

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
            householdCode: input.householdCode ?? null,
            programmeCode: input.programmeCode,
            categoryCode: input.categoryCode,
            paymentPreference: input.paymentPreference ?? 'account',
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
          paymentPreference: beneficiary.paymentPreference,
        });
        const duplicates = (await flagLikelyDuplicates(manager, [beneficiary.id])) > 0;
        const possibleDuplicateOf: Array<{ possible_duplicate_of: string }> = duplicates
          ? await manager.query(`SELECT possible_duplicate_of FROM beneficiary.duplicate_candidate WHERE beneficiary_id = $1`, [beneficiary.id])
          : [];
        return { beneficiary: await manager.findOneByOrFail(BeneficiaryEntity, { id: beneficiary.id }), possibleDuplicateOf };
      });
      return { ...BeneficiaryViewDto.of(saved.beneficiary), possibleDuplicateOf: saved.possibleDuplicateOf.map((row) => row.possible_duplicate_of) };
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

  /**
   * Officers' list: always inside the reader's area, filters optional. A query of digits matches the
   * end of the CCCD (what people read out from the card); other text matches the start of the folded
   * name, so "nguyen thi d" finds "Nguyễn Thị Đào".
   */
  async search(query: SearchBeneficiariesDto, principal: Principal): Promise<BeneficiaryPageDto> {
    const builder = this.dataSource.getRepository(BeneficiaryEntity).createQueryBuilder('b');
    const provinceCode = principal.provinceCode ?? query.provinceCode;
    if (principal.provinceCode && query.provinceCode && query.provinceCode !== principal.provinceCode) throw BeneficiaryErrors.outOfArea();
    if (principal.communeCode && query.communeCode && query.communeCode !== principal.communeCode) throw BeneficiaryErrors.outOfArea();
    const communeCode = principal.communeCode ?? query.communeCode;
    if (provinceCode) builder.andWhere('b.province_code = :provinceCode', { provinceCode });
    if (communeCode) builder.andWhere('b.commune_code = :communeCode', { communeCode });
    if (query.status) builder.andWhere('b.status = :status', { status: query.status });
    if (query.programmeCode) builder.andWhere('b.programme_code = :programmeCode', { programmeCode: query.programmeCode });
    if (query.q && /^\d+$/.test(query.q)) builder.andWhere('b.cccd LIKE :suffix', { suffix: `%${query.q}` });
    else if (query.q) builder.andWhere('b.name_key LIKE :prefix', { prefix: `${foldVietnamese(query.q).replace(/[%_]/g, '')}%` });
    const [rows, total] = await builder
      .orderBy('b.name_key', 'ASC')
      .addOrderBy('b.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { total, page: query.page, pageSize: query.pageSize, items: rows.map((row) => BeneficiaryViewDto.of(row)) };
  }

  async changeStatus(id: string, input: ChangeStatusDto, principal: Principal): Promise<BeneficiaryViewDto> {
    await this.get(id, principal);
    const action = toLifecycleAction(input);
    const updated = await this.dataSource.transaction((manager: EntityManager) =>
      this.lifecycle.apply(manager, id, action, `${principal.role}:${principal.sub}`),
    );
    return BeneficiaryViewDto.of(updated);
  }
}

function toLifecycleAction(input: ChangeStatusDto): LifecycleAction {
  switch (input.action) {
    case 'verify':
      return { kind: 'verify', by: 'officer' };
    case 'cease':
      if (!input.ceaseReason || !input.effectiveDate) throw BeneficiaryErrors.ceaseNeedsReasonAndDate();
      return { kind: 'cease', reason: input.ceaseReason, effectiveDate: input.effectiveDate };
    default:
      if (!input.reasonCode) throw BeneficiaryErrors.reasonRequired();
      return { kind: input.action, reasonCode: input.reasonCode };
  }
}

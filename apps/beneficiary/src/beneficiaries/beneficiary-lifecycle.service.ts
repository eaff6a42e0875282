import { beneficiaryCeasedV1, beneficiaryReinstatedV1, beneficiarySuspendedV1, beneficiaryVerifiedV1 } from '@app/contracts';
import { DomainError, OutboxService } from '@app/platform';
import { BeneficiaryErrors } from './beneficiary.errors';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BeneficiaryStatusChangeEntity } from './beneficiary-status-change.entity';
import { BeneficiaryEntity } from './beneficiary.entity';
import { nextStatus, paymentsStopFrom, type LifecycleAction } from './beneficiary-lifecycle';

/**
 * The one place a beneficiary's status changes, whoever asks (an officer, the population registry,
 * the death feed, a duplicate resolution): the row is locked, the transition checked, the history
 * row and the event written in the caller's transaction.
 */
@Injectable()
export class BeneficiaryLifecycleService {
  constructor(private readonly outbox: OutboxService) {}

  async apply(manager: EntityManager, beneficiaryId: string, action: LifecycleAction, actor: string): Promise<BeneficiaryEntity> {
    const beneficiary = await manager.findOne(BeneficiaryEntity, { where: { id: beneficiaryId }, lock: { mode: 'pessimistic_write' } });
    if (!beneficiary) throw BeneficiaryErrors.notFound();
    const target = nextStatus(beneficiary.status, action);
    if (!target) {
      throw new DomainError(
        'BENEFICIARY.TRANSITION_NOT_ALLOWED',
        `Không thể thực hiện thao tác này khi đối tượng đang ở trạng thái "${STATUS_LABELS[beneficiary.status]}".`,
        'conflict',
        { status: beneficiary.status, action: action.kind },
      );
    }
    const reasonCode = reasonOf(action);
    const from = beneficiary.status;
    beneficiary.status = target;
    if (action.kind === 'cease') {
      beneficiary.ceaseReason = action.reason;
      beneficiary.ceasedEffectiveDate = action.effectiveDate;
      beneficiary.paymentsStopFrom = paymentsStopFrom(action.effectiveDate);
    }
    await manager.save(beneficiary);
    await manager.insert(BeneficiaryStatusChangeEntity, { beneficiaryId, fromStatus: from, toStatus: target, reasonCode, actor });

    const common = {
      beneficiaryId,
      programmeCode: beneficiary.programmeCode,
      provinceCode: beneficiary.provinceCode,
      communeCode: beneficiary.communeCode,
      reasonCode,
      changedBy: actor,
      changedAt: new Date().toISOString(),
    };
    switch (action.kind) {
      case 'verify':
        await this.outbox.add(manager, beneficiaryVerifiedV1, beneficiaryId, { ...common, verifiedBy: action.by });
        break;
      case 'suspend':
        await this.outbox.add(manager, beneficiarySuspendedV1, beneficiaryId, common);
        break;
      case 'reinstate':
        await this.outbox.add(manager, beneficiaryReinstatedV1, beneficiaryId, common);
        break;
      case 'cease':
        await this.outbox.add(manager, beneficiaryCeasedV1, beneficiaryId, {
          ...common,
          reasonCode: action.reason,
          effectiveDate: action.effectiveDate,
          paymentsStopFrom: beneficiary.paymentsStopFrom!,
          opensFuneralSupport: action.reason === 'DECEASED',
        });
        break;
    }
    return beneficiary;
  }
}

const STATUS_LABELS: Readonly<Record<BeneficiaryEntity['status'], string>> = {
  pending_verification: 'chờ xác minh',
  active: 'đang hưởng',
  suspended: 'tạm dừng',
  ceased: 'thôi hưởng',
};

function reasonOf(action: LifecycleAction): string {
  switch (action.kind) {
    case 'verify':
      return action.by === 'population_registry' ? 'VERIFIED_BY_POPULATION_REGISTRY' : 'VERIFIED_BY_OFFICER';
    case 'cease':
      return action.reason;
    default:
      return action.reasonCode;
  }
}

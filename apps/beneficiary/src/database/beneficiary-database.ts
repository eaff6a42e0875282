import { BeneficiaryStatusChangeEntity } from '../beneficiaries/beneficiary-status-change.entity';
import { BeneficiaryEntity } from '../beneficiaries/beneficiary.entity';
import { CreateBeneficiaryRegistry1763884800000 } from './migrations/1763884800000-CreateBeneficiaryRegistry';
import { AddLifecycleAndDuplicates1763884850000 } from './migrations/1763884850000-AddLifecycleAndDuplicates';

export const BENEFICIARY_SCHEMA = 'beneficiary';
export const BENEFICIARY_ENTITIES = [BeneficiaryEntity, BeneficiaryStatusChangeEntity];
export const BENEFICIARY_MIGRATIONS = [CreateBeneficiaryRegistry1763884800000, AddLifecycleAndDuplicates1763884850000];

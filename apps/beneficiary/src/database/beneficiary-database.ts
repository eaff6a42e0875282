import { PaymentChannelEventEntity } from '../accounts/payment-channel-event.entity';
import { PaymentChannelEntity } from '../accounts/payment-channel.entity';
import { BeneficiaryStatusChangeEntity } from '../beneficiaries/beneficiary-status-change.entity';
import { BeneficiaryEntity } from '../beneficiaries/beneficiary.entity';
import { ImportJobEntity } from '../imports/import-job.entity';
import { ImportRowIssueEntity } from '../imports/import-row-issue.entity';
import { CreateBeneficiaryRegistry1763884800000 } from './migrations/1763884800000-CreateBeneficiaryRegistry';
import { AddLifecycleAndDuplicates1763884850000 } from './migrations/1763884850000-AddLifecycleAndDuplicates';
import { CreateImports1763884900000 } from './migrations/1763884900000-CreateImports';
import { CreateAccounts1763884960000 } from './migrations/1763884960000-CreateAccounts';
import { AddPaymentPreference1763912100000 } from './migrations/1763912100000-AddPaymentPreference';
import { FasterNameKey1763913000000 } from './migrations/1763913000000-FasterNameKey';
import { IndexMessagingRetention1764970000000 } from './migrations/1764970000000-IndexMessagingRetention';

export const BENEFICIARY_SCHEMA = 'beneficiary';
export const BENEFICIARY_ENTITIES = [BeneficiaryEntity, BeneficiaryStatusChangeEntity, ImportJobEntity, ImportRowIssueEntity, PaymentChannelEntity, PaymentChannelEventEntity];
export const BENEFICIARY_MIGRATIONS = [
  CreateBeneficiaryRegistry1763884800000, AddLifecycleAndDuplicates1763884850000, CreateImports1763884900000, CreateAccounts1763884960000,
  AddPaymentPreference1763912100000, FasterNameKey1763913000000, IndexMessagingRetention1764970000000,
];

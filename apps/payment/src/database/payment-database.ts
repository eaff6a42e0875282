import { PayeeEntity } from '../payees/payee.entity';
import { CreatePayees1763884800000 } from './migrations/1763884800000-CreatePayees';
import { TrackPayeeLifecycle1763884900000 } from './migrations/1763884900000-TrackPayeeLifecycle';
import { CreateCyclesAndEntitlements1763885000000 } from './migrations/1763885000000-CreateCyclesAndEntitlements';
import { CreateAuditTrail1763885100000 } from './migrations/1763885100000-CreateAuditTrail';
import { CreatePayoutPipeline1763885200000 } from './migrations/1763885200000-CreatePayoutPipeline';
import { TrackBankFacingAttempts1763910000000 } from './migrations/1763910000000-TrackBankFacingAttempts';
import { EntitlementRulesAndDecisions1763911000000 } from './migrations/1763911000000-EntitlementRulesAndDecisions';
import { CreateCoverageReporting1763912000000 } from './migrations/1763912000000-CreateCoverageReporting';
import { TrackBatchDispatch1764950000000 } from './migrations/1764950000000-TrackBatchDispatch';
import { IndexCommunePayouts1764960000000 } from './migrations/1764960000000-IndexCommunePayouts';
import { IndexMessagingRetention1764970000000 } from './migrations/1764970000000-IndexMessagingRetention';

export const PAYMENT_SCHEMA = 'payment';
export const PAYMENT_ENTITIES = [PayeeEntity];
export const PAYMENT_MIGRATIONS = [
  CreatePayees1763884800000, TrackPayeeLifecycle1763884900000, CreateCyclesAndEntitlements1763885000000, CreateAuditTrail1763885100000,
  CreatePayoutPipeline1763885200000, TrackBankFacingAttempts1763910000000, EntitlementRulesAndDecisions1763911000000, CreateCoverageReporting1763912000000,
  TrackBatchDispatch1764950000000, IndexCommunePayouts1764960000000, IndexMessagingRetention1764970000000,
];

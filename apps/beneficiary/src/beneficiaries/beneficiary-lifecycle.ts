import type { BeneficiaryStatus } from './beneficiary.entity';

export type CeaseReason = 'DECEASED' | 'INELIGIBLE' | 'MOVED' | 'DUPLICATE';

export type LifecycleAction =
  | { kind: 'verify'; by: 'population_registry' | 'officer' }
  | { kind: 'suspend'; reasonCode: string }
  | { kind: 'reinstate'; reasonCode: string }
  | { kind: 'cease'; reason: CeaseReason; effectiveDate: string };

/** Where each action may start; anything else is refused, so a ceased beneficiary stays ceased. */
const ALLOWED_FROM: Readonly<Record<LifecycleAction['kind'], readonly BeneficiaryStatus[]>> = {
  verify: ['pending_verification'],
  suspend: ['active'],
  reinstate: ['suspended'],
  cease: ['pending_verification', 'active', 'suspended'],
};

const TARGET: Readonly<Record<LifecycleAction['kind'], BeneficiaryStatus>> = {
  verify: 'active',
  suspend: 'suspended',
  reinstate: 'active',
  cease: 'ceased',
};

export function nextStatus(current: BeneficiaryStatus, action: LifecycleAction): BeneficiaryStatus | null {
  return ALLOWED_FROM[action.kind].includes(current) ? TARGET[action.kind] : null;
}

/**
 * Payment ceases from the month after death or loss of eligibility (Decree 20/2021/NĐ-CP Art. 8(2)):
 * the first day of the following month, in the calendar of the date given.
 */
export function paymentsStopFrom(effectiveDate: string): string {
  const [year, month] = effectiveDate.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

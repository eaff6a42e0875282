import { dongToWire, type PayloadOf, type payoutFailedV1, type payoutHeldV1, type payoutSettledV1 } from '@app/contracts';

/** The attempt and entitlement columns the payout events are built from. */
export interface AttemptRow {
  instruction_id: string;
  entitlement_id: string;
  attempt_number: number;
  channel: 'bank' | 'ewallet' | 'cash';
  institution_code: string;
  account_id: string | null;
  account_number_masked: string | null;
  amount_dong: string;
  status: string;
  send_count: number;
  reason_code: string | null;
  entitlement_status: string;
  beneficiary_id: string;
  cycle_id: string | null;
  programme_code: string;
  period: string;
  kind: 'monthly' | 'arrears' | 'funeral';
  province_code: string;
  commune_code: string;
  beneficiary_deceased: boolean;
}

export const ATTEMPT_SELECT = `
  SELECT a.instruction_id, a.entitlement_id, a.attempt_number, a.channel, a.institution_code, a.account_id, a.account_number_masked,
         a.amount_dong::text, a.status, a.send_count, a.reason_code,
         e.status AS entitlement_status, e.beneficiary_id, e.cycle_id, e.programme_code, e.period, e.kind, e.province_code, e.commune_code,
         -- a funeral support is paid to a living claimant: the deceased's hold rule does not apply to it
         (p.status = 'ceased' AND p.cease_reason = 'DECEASED' AND e.kind <> 'funeral') AS beneficiary_deceased
    FROM payment.payout_attempt a
    JOIN payment.entitlement e ON e.id = a.entitlement_id
    JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id`;

type PayoutColumns = Pick<AttemptRow, 'entitlement_id' | 'beneficiary_id' | 'cycle_id' | 'programme_code' | 'period' | 'kind' | 'amount_dong' | 'province_code' | 'commune_code'>;
type AttemptColumns = Pick<AttemptRow, 'instruction_id' | 'attempt_number' | 'channel' | 'institution_code' | 'account_number_masked'>;

export function payoutFields(attempt: PayoutColumns) {
  return {
    entitlementId: attempt.entitlement_id,
    beneficiaryId: attempt.beneficiary_id,
    cycleId: attempt.cycle_id,
    programmeCode: attempt.programme_code,
    period: attempt.period,
    kind: attempt.kind,
    amountDong: dongToWire(BigInt(attempt.amount_dong)),
    provinceCode: attempt.province_code,
    communeCode: attempt.commune_code,
  };
}

export function attemptFields(attempt: AttemptColumns) {
  return {
    instructionId: attempt.instruction_id,
    attemptNumber: attempt.attempt_number,
    channel: attempt.channel,
    institutionCode: attempt.institution_code,
    accountNumberMasked: attempt.account_number_masked,
  };
}

export function settledEvent(attempt: AttemptRow, bankReference: string | null, at: Date): PayloadOf<typeof payoutSettledV1> {
  return { ...payoutFields(attempt), ...attemptFields(attempt), bankReference, settledAt: at.toISOString() };
}

export function failedEvent(
  attempt: AttemptRow,
  reasonCode: PayloadOf<typeof payoutFailedV1>['reasonCode'],
  nextAction: PayloadOf<typeof payoutFailedV1>['nextAction'],
  at: Date,
): PayloadOf<typeof payoutFailedV1> {
  return { ...payoutFields(attempt), ...attemptFields(attempt), reasonCode, nextAction, failedAt: at.toISOString() };
}

export function heldEvent(attempt: AttemptRow, reasonCode: string, at: Date): PayloadOf<typeof payoutHeldV1> {
  return { ...payoutFields(attempt), reasonCode, heldAt: at.toISOString() };
}

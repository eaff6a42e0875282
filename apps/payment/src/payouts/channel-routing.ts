import { CASH_INSTITUTION_CODE } from '@app/contracts';

export interface PayeeAccountRow {
  account_id: string;
  channel: 'bank' | 'ewallet';
  institution_code: string;
  account_number_masked: string;
  priority: number;
  status: string;
  payable_from: Date | null;
  has_sealed_number: boolean;
}

export type Route =
  | { channel: 'bank' | 'ewallet'; institutionCode: string; accountId: string; accountNumberMasked: string }
  | { channel: 'cash'; institutionCode: typeof CASH_INSTITUTION_CODE; accountId: null; accountNumberMasked: null };

export const CASH_ROUTE: Route = { channel: 'cash', institutionCode: CASH_INSTITUTION_CODE, accountId: null, accountNumberMasked: null };

/**
 * The channel to try next: the beneficiary's verified accounts in their order of priority, each
 * once, skipping one still in its cool-off; cash at the post office when none is left.
 */
export function nextRoute(accounts: readonly PayeeAccountRow[], triedAccountIds: ReadonlySet<string>, now: Date): Route {
  const payable = accounts
    .filter((account) => account.status === 'verified' && account.has_sealed_number && !triedAccountIds.has(account.account_id))
    .filter((account) => account.payable_from !== null && account.payable_from.getTime() <= now.getTime())
    .sort((a, b) => a.priority - b.priority || a.account_id.localeCompare(b.account_id));
  const [first] = payable;
  if (!first) return CASH_ROUTE;
  return { channel: first.channel, institutionCode: first.institution_code, accountId: first.account_id, accountNumberMasked: first.account_number_masked };
}

/** The funeral claim columns that decide where a funeral support goes. */
export interface FuneralClaimRouteRow {
  kind: string;
  claim_channel: 'bank' | 'ewallet' | 'cash' | null;
  claim_institution_code: string | null;
  claim_account_id: string | null;
  claim_account_number_masked: string | null;
}

/** A funeral support is paid to the recorded claimant: their account, or cash in their name. */
export function funeralClaimRoute(claim: FuneralClaimRouteRow): Route {
  if (!claim.claim_channel) throw new Error('a funeral support reached a batch without a recorded claimant');
  if (claim.claim_channel === 'cash' || !claim.claim_account_id) return CASH_ROUTE;
  return { channel: claim.claim_channel, institutionCode: claim.claim_institution_code!, accountId: claim.claim_account_id, accountNumberMasked: claim.claim_account_number_masked! };
}

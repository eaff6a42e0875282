import { matchPersonName, type NameMatch } from '@app/contracts';
import type { PaymentChannelEntity, PaymentChannelStatus } from './payment-channel.entity';

const HOUR_MS = 3_600_000;

export interface LinkPlan {
  /**
   * first       nothing held the priority;
   * correction  an account not yet verified (so never paid) is replaced: no cool-off;
   * change      a verified account, or a change still waiting, is replaced: cool-off, and the holder
   *             of the replaced verified account is told (through the account-changed event).
   */
  kind: 'first' | 'correction' | 'change';
  /** For a change, the verified account being replaced. */
  replacesId: string | null;
  payableFrom: Date;
}

/**
 * What linking an account at a priority means, given the account now holding it. Replacing a change
 * that is still waiting is itself a change of the same verified account, with the cool-off started
 * again: otherwise a second quick change would skip the cool-off of the first.
 */
export function planLink(current: Pick<PaymentChannelEntity, 'id' | 'status' | 'replacesId'> | null, now: Date, coolOffHours: number): LinkPlan {
  const coolOffEnds = new Date(now.getTime() + coolOffHours * HOUR_MS);
  if (!current) return { kind: 'first', replacesId: null, payableFrom: now };
  if (current.status === 'verified') return { kind: 'change', replacesId: current.id, payableFrom: coolOffEnds };
  if (current.replacesId) return { kind: 'change', replacesId: current.replacesId, payableFrom: coolOffEnds };
  return { kind: 'correction', replacesId: null, payableFrom: now };
}

export type NameEnquiryAnswer = { outcome: 'found'; holderName: string } | { outcome: 'not_found' } | { outcome: 'closed' };

export interface VerificationOutcome {
  status: Extract<PaymentChannelStatus, 'verified' | 'mismatch_review' | 'rejected'>;
  nameMatch: NameMatch | null;
  reason: 'NAME_MATCHED' | 'NAME_MISMATCH' | 'ACCOUNT_NOT_FOUND' | 'ACCOUNT_CLOSED';
}

/**
 * The bank's answer against the registry name. A name that folds equal, or differs only by word order
 * or one typo, is the same person; any other name goes to a supervisor rather than being rejected,
 * because registries and banks disagree for innocent reasons (a nickname, a changed name). An
 * account the bank does not know, or has closed, can never be paid: rejected.
 */
export function outcomeOfEnquiry(registryName: string, answer: NameEnquiryAnswer): VerificationOutcome {
  switch (answer.outcome) {
    case 'not_found':
      return { status: 'rejected', nameMatch: null, reason: 'ACCOUNT_NOT_FOUND' };
    case 'closed':
      return { status: 'rejected', nameMatch: null, reason: 'ACCOUNT_CLOSED' };
    case 'found': {
      const nameMatch = matchPersonName(registryName, answer.holderName);
      return nameMatch === 'mismatch' ? { status: 'mismatch_review', nameMatch, reason: 'NAME_MISMATCH' } : { status: 'verified', nameMatch, reason: 'NAME_MATCHED' };
    }
  }
}

/** The principal's own id in an actor string (`role:sub`): maker-checker compares people, not roles. */
export function subOfActor(actor: string): string {
  return actor.slice(actor.indexOf(':') + 1);
}

import type { BankReasonCode } from '@app/contracts';

/** A rejection from the institution, or AnSinh's own TIMEOUT when no answer came after every resend. */
export type FailureCode = BankReasonCode | 'TIMEOUT';

/**
 * - retry: the same instruction id again later (exponential backoff, capped);
 * - next_channel: this account cannot be paid; try the beneficiary's next account, finally cash;
 * - hold: a person must look first (money may have moved, or must not move).
 */
export type FailurePolicy = 'retry' | 'next_channel' | 'hold';

/**
 * What AnSinh does about each reason. Exhaustive on purpose: a new reason code does not compile
 * until someone decides what it means for the beneficiary's money.
 */
export function policyFor(code: FailureCode): FailurePolicy {
  switch (code) {
    case 'TECH':
      return 'retry';
    case 'AC01': // wrong account number
    case 'AC04': // closed
    case 'AC06': // blocked
    case 'AG01': // account may not receive this
    case 'BE01': // holder is someone else
    case 'RR04': // regulatory refusal of this account
    case 'NARR': // unexplained refusal of this account: another channel, never silence
      return 'next_channel';
    case 'MD07': // holder deceased: never fall back to cash, an officer checks the death first
    case 'AM05': // the bank saw a duplicate: a double payment may be near
    case 'AM09': // wrong amount: money may have moved
    case 'NOT_COLLECTED': // cash not collected: the officer contacts the person, the money is not lost
    case 'TIMEOUT': // the bank may have paid: sending elsewhere could pay twice
      return 'hold';
  }
}

/**
 * The decision for one failed attempt. A transient failure that keeps failing is held, not sent
 * elsewhere: the instruction went out several times, a TECH answer does not say which send it
 * answers, and an earlier send still in the institution's hands may yet be executed (the chaos run
 * saw a delayed TECH taken as the answer to the last send, a cash fallback sent, and both paid).
 * A deceased beneficiary's payment is never redirected.
 */
export function decideAfterFailure(input: {
  code: FailureCode;
  sendCount: number;
  maxSends: number;
  channel: 'bank' | 'ewallet' | 'cash';
  beneficiaryDeceased: boolean;
}): 'retry' | 'next_channel' | 'hold' {
  const policy = policyFor(input.code);
  if (policy === 'hold') return 'hold';
  if (policy === 'retry') return input.sendCount < input.maxSends ? 'retry' : 'hold';
  if (input.beneficiaryDeceased) return 'hold';
  // cash is the last channel: nothing comes after it
  if (input.channel === 'cash') return 'hold';
  return 'next_channel';
}

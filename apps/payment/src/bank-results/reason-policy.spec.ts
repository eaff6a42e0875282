import { BANK_REASON_CODE_LIST } from '@app/contracts';
import { decideAfterFailure, policyFor } from './reason-policy';

describe('bank reason policy', () => {
  it('has a decision for every reason code banks may send', () => {
    for (const code of [...BANK_REASON_CODE_LIST, 'TIMEOUT' as const]) expect(['retry', 'next_channel', 'hold']).toContain(policyFor(code));
  });

  it.each([
    ['TECH', 'retry'],
    ['AC01', 'next_channel'],
    ['AC04', 'next_channel'],
    ['AC06', 'next_channel'],
    ['BE01', 'next_channel'],
    ['MD07', 'hold'],
    ['AM05', 'hold'],
    ['TIMEOUT', 'hold'],
    ['NOT_COLLECTED', 'hold'],
  ] as const)('%s → %s', (code, expected) => {
    expect(policyFor(code)).toBe(expected);
  });

  const base = { sendCount: 1, maxSends: 4, channel: 'bank' as const, beneficiaryDeceased: false };

  it('retries a technical failure until the cap, then holds it: an earlier send may still be executed', () => {
    expect(decideAfterFailure({ ...base, code: 'TECH', sendCount: 3 })).toBe('retry');
    expect(decideAfterFailure({ ...base, code: 'TECH', sendCount: 4 })).toBe('hold');
    expect(decideAfterFailure({ ...base, code: 'TECH', sendCount: 4, channel: 'ewallet' })).toBe('hold');
  });

  it('holds a deceased beneficiary\'s payment instead of sending it to cash', () => {
    expect(decideAfterFailure({ ...base, code: 'AC04', beneficiaryDeceased: true })).toBe('hold');
    expect(decideAfterFailure({ ...base, code: 'TECH', sendCount: 4, beneficiaryDeceased: true })).toBe('hold');
    expect(decideAfterFailure({ ...base, code: 'TECH', sendCount: 1, beneficiaryDeceased: true })).toBe('retry');
  });

  it('holds when cash itself fails: there is no channel after it', () => {
    expect(decideAfterFailure({ ...base, code: 'NARR', channel: 'cash' })).toBe('hold');
    expect(decideAfterFailure({ ...base, code: 'TECH', channel: 'cash', sendCount: 4 })).toBe('hold');
  });
});

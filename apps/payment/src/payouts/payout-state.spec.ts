import fc from 'fast-check';
import { canMove, ENTITLEMENT_STATUSES, instructionIdFor, isFinal } from './payout-state';

describe('entitlement state machine', () => {
  it('lets nothing leave a final state', () => {
    for (const from of ['paid', 'cancelled'] as const) {
      expect(isFinal(from)).toBe(true);
      for (const to of ENTITLEMENT_STATUSES) expect(canMove(from, to)).toBe(false);
    }
  });

  it('never pays what was not sent, and never sends what is held without a release', () => {
    expect(canMove('awaiting_approval', 'paid')).toBe(false);
    expect(canMove('cancelled', 'in_flight')).toBe(false);
    expect(canMove('held', 'in_flight')).toBe(true);
    expect(canMove('in_flight', 'cancelled')).toBe(false);
  });

  it('sends a funeral support only after its claimant is recorded', () => {
    expect(canMove('awaiting_claim', 'in_flight')).toBe(false);
    expect(canMove('awaiting_claim', 'awaiting_approval')).toBe(true);
    expect(canMove('awaiting_approval', 'awaiting_claim')).toBe(false);
  });

  it('reaches a final state from anywhere along allowed moves', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ENTITLEMENT_STATUSES), { maxLength: 30 }), (wanted) => {
        let status: (typeof ENTITLEMENT_STATUSES)[number] = 'awaiting_approval';
        for (const next of wanted) if (canMove(status, next)) status = next;
        // from any reachable state a final one is at most two moves away
        const reachable = ENTITLEMENT_STATUSES.filter((to) => canMove(status, to));
        return isFinal(status) || reachable.some((to) => isFinal(to) || ENTITLEMENT_STATUSES.some((last) => canMove(to, last) && isFinal(last)));
      }),
    );
  });
});

describe('instructionIdFor', () => {
  it('is the same for the same attempt and different for any other attempt or entitlement', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (a, b, n, m) => {
        expect(instructionIdFor(a, n)).toBe(instructionIdFor(a, n));
        if (n !== m) expect(instructionIdFor(a, n)).not.toBe(instructionIdFor(a, m));
        if (a !== b) expect(instructionIdFor(a, n)).not.toBe(instructionIdFor(b, n));
      }),
    );
    // pinned: a change of namespace or format would re-key every instruction ever sent
    expect(instructionIdFor('0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a10', 1)).toBe('a66d36f2-494f-5845-8f75-516712a295db');
  });
});

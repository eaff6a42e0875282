import { BENEFICIARY_STATUSES } from './beneficiary.entity';
import { nextStatus, paymentsStopFrom, type LifecycleAction } from './beneficiary-lifecycle';

const actions: LifecycleAction[] = [
  { kind: 'verify', by: 'population_registry' },
  { kind: 'suspend', reasonCode: 'UNDER_REVIEW' },
  { kind: 'reinstate', reasonCode: 'REVIEW_CLEARED' },
  { kind: 'cease', reason: 'DECEASED', effectiveDate: '2026-03-10' },
];

describe('beneficiary life-cycle', () => {
  it('allows exactly these transitions', () => {
    const table = Object.fromEntries(
      BENEFICIARY_STATUSES.map((status) => [status, Object.fromEntries(actions.map((action) => [action.kind, nextStatus(status, action)]))]),
    );
    expect(table).toEqual({
      pending_verification: { verify: 'active', suspend: null, reinstate: null, cease: 'ceased' },
      active: { verify: null, suspend: 'suspended', reinstate: null, cease: 'ceased' },
      suspended: { verify: null, suspend: null, reinstate: 'active', cease: 'ceased' },
      ceased: { verify: null, suspend: null, reinstate: null, cease: null },
    });
  });

  it.each([
    ['2026-03-10', '2026-04-01'],
    ['2026-03-01', '2026-04-01'],
    ['2026-12-31', '2027-01-01'],
    ['2024-02-29', '2024-03-01'],
  ])('a change effective %s stops payment from %s', (effective, stop) => {
    expect(paymentsStopFrom(effective)).toBe(stop);
  });
});

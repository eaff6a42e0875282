import { exclusionOf } from './payout-cycles.service';

describe('who is entitled in a month', () => {
  const november = '2026-11-01';
  it.each([
    [{ status: 'active', payments_stop_from: null, status_before_cease: null }, null],
    [{ status: 'pending_verification', payments_stop_from: null, status_before_cease: null }, 'NOT_VERIFIED'],
    [{ status: 'suspended', payments_stop_from: null, status_before_cease: null }, 'SUSPENDED'],
    // died on 20 November: November is still paid, payment stops from December
    [{ status: 'ceased', payments_stop_from: '2026-12-01', status_before_cease: 'active' }, null],
    [{ status: 'ceased', payments_stop_from: '2026-11-01', status_before_cease: 'active' }, 'CEASED'],
    [{ status: 'ceased', payments_stop_from: null, status_before_cease: 'active' }, 'CEASED'],
    // died on 20 November while the registry was still checking the identity: never paid, not even November
    [{ status: 'ceased', payments_stop_from: '2026-12-01', status_before_cease: 'pending_verification' }, 'NOT_VERIFIED'],
    [{ status: 'ceased', payments_stop_from: '2026-12-01', status_before_cease: null }, 'NOT_VERIFIED'],
    [{ status: 'ceased', payments_stop_from: '2026-12-01', status_before_cease: 'suspended' }, 'SUSPENDED'],
  ])('%o → %s', (payee, expected) => {
    expect(exclusionOf(payee, november)).toBe(expected);
  });
});

import { exclusionOf } from './payout-cycles.service';

describe('who is entitled in a month', () => {
  const november = '2026-11-01';
  it.each([
    [{ status: 'active', payments_stop_from: null }, null],
    [{ status: 'pending_verification', payments_stop_from: null }, 'NOT_VERIFIED'],
    [{ status: 'suspended', payments_stop_from: null }, 'SUSPENDED'],
    // died on 20 November: November is still paid, payment stops from December
    [{ status: 'ceased', payments_stop_from: '2026-12-01' }, null],
    [{ status: 'ceased', payments_stop_from: '2026-11-01' }, 'CEASED'],
    [{ status: 'ceased', payments_stop_from: null }, 'CEASED'],
  ])('%o → %s', (payee, expected) => {
    expect(exclusionOf(payee, november)).toBe(expected);
  });
});

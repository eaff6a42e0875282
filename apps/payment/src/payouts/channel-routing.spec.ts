import { CASH_ROUTE, funeralClaimRoute, nextRoute, type PayeeAccountRow } from './channel-routing';

const now = new Date('2026-12-05T03:00:00Z');
const account = (overrides: Partial<PayeeAccountRow>): PayeeAccountRow => ({
  account_id: '0190f5c2-0000-7000-8000-000000000001',
  channel: 'bank',
  institution_code: '970436',
  account_number_masked: '****6789',
  priority: 1,
  status: 'verified',
  payable_from: new Date('2026-11-01T00:00:00Z'),
  has_sealed_number: true,
  ...overrides,
});

describe('nextRoute', () => {
  const bank = account({});
  const wallet = account({ account_id: '0190f5c2-0000-7000-8000-000000000002', channel: 'ewallet', institution_code: 'MOMO', priority: 2 });

  it('takes the first verified account by priority, then the next, then cash', () => {
    expect(nextRoute([wallet, bank], new Set(), now)).toMatchObject({ channel: 'bank', accountId: bank.account_id });
    expect(nextRoute([wallet, bank], new Set([bank.account_id]), now)).toMatchObject({ channel: 'ewallet', institutionCode: 'MOMO' });
    expect(nextRoute([wallet, bank], new Set([bank.account_id, wallet.account_id]), now)).toEqual(CASH_ROUTE);
  });

  it('never pays an account that is unverified, replaced, in its cool-off, or whose number payment cannot open', () => {
    for (const unpayable of [
      account({ status: 'pending' }),
      account({ status: 'replaced' }),
      account({ status: 'rejected' }),
      account({ payable_from: new Date('2026-12-08T00:00:00Z') }),
      account({ payable_from: null }),
      account({ has_sealed_number: false }),
    ]) {
      expect(nextRoute([unpayable], new Set(), now)).toEqual(CASH_ROUTE);
    }
  });
});

describe('funeralClaimRoute', () => {
  const claim = { kind: 'funeral', claim_channel: 'bank' as const, claim_institution_code: '970436', claim_account_id: '0190f5c2-0000-7000-8000-00000000000f', claim_account_number_masked: '****9888' };
  it('pays the recorded claimant: their account, or cash in their name', () => {
    expect(funeralClaimRoute(claim)).toEqual({ channel: 'bank', institutionCode: '970436', accountId: claim.claim_account_id, accountNumberMasked: '****9888' });
    expect(funeralClaimRoute({ ...claim, claim_channel: 'cash', claim_institution_code: 'VNPOST', claim_account_id: null, claim_account_number_masked: null })).toEqual(CASH_ROUTE);
  });
  it('refuses to route a funeral support whose claimant is not recorded', () => {
    expect(() => funeralClaimRoute({ ...claim, claim_channel: null })).toThrow(/without a recorded claimant/);
  });
});

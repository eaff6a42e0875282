import { outcomeOfEnquiry, planLink, subOfActor } from './account-rules';

const now = new Date('2026-11-23T08:00:00.000Z');
const in72h = new Date('2026-11-26T08:00:00.000Z');

describe('planLink', () => {
  it.each([
    ['nothing at the priority', null, { kind: 'first', replacesId: null, payableFrom: now }],
    ['a verified account', { id: 'a', status: 'verified', replacesId: null }, { kind: 'change', replacesId: 'a', payableFrom: in72h }],
    ['an account awaiting name-enquiry', { id: 'b', status: 'pending_verification', replacesId: null }, { kind: 'correction', replacesId: null, payableFrom: now }],
    ['an account in mismatch review', { id: 'b', status: 'mismatch_review', replacesId: null }, { kind: 'correction', replacesId: null, payableFrom: now }],
    ['a change still waiting (cool-off restarts)', { id: 'c', status: 'pending_verification', replacesId: 'a' }, { kind: 'change', replacesId: 'a', payableFrom: in72h }],
    ['a change the bank rejected (still a change of the last verified account)', { id: 'c', status: 'rejected', replacesId: 'a' }, { kind: 'change', replacesId: 'a', payableFrom: in72h }],
    ['a verified change (replaces the newer verified account)', { id: 'c', status: 'verified', replacesId: 'a' }, { kind: 'change', replacesId: 'c', payableFrom: in72h }],
  ] as const)('replacing %s', (_label, current, expected) => {
    expect(planLink(current, now, 72)).toEqual(expected);
  });

  it('a cool-off of zero hours makes a change payable at once (still only once verified)', () => {
    expect(planLink({ id: 'a', status: 'verified', replacesId: null }, now, 0).payableFrom).toEqual(now);
  });
});

describe('outcomeOfEnquiry', () => {
  it.each([
    ['NGUYEN THI DAO', { kind: 'verified', nameMatch: 'exact' }],
    ['DAO NGUYEN THI', { kind: 'verified', nameMatch: 'reordered' }],
    ['NGUYEN THI DAP', { kind: 'verified', nameMatch: 'one-typo' }],
    ['NGUYEN VAN DAO', { kind: 'mismatch_review', nameMatch: 'mismatch' }],
    ['TRAN THI HOA', { kind: 'mismatch_review', nameMatch: 'mismatch' }],
  ])('Nguyễn Thị Đào against the bank name %s', (bankName, { kind, nameMatch }) => {
    expect(outcomeOfEnquiry('Nguyễn Thị Đào', { outcome: 'found', holderName: bankName })).toMatchObject({ status: kind, nameMatch });
  });

  it('rejects accounts the bank does not know or has closed, with no name to compare', () => {
    expect(outcomeOfEnquiry('Nguyễn Thị Đào', { outcome: 'not_found' })).toEqual({ status: 'rejected', nameMatch: null, reason: 'ACCOUNT_NOT_FOUND' });
    expect(outcomeOfEnquiry('Nguyễn Thị Đào', { outcome: 'closed' })).toEqual({ status: 'rejected', nameMatch: null, reason: 'ACCOUNT_CLOSED' });
  });
});

it('compares people by their id, whatever role their token carries', () => {
  expect(subOfActor('officer:can.bo.ha.tinh')).toBe('can.bo.ha.tinh');
  expect(subOfActor('supervisor:can.bo.ha.tinh')).toBe('can.bo.ha.tinh');
});

import { coversArea, institutionOf, principalSchema, type Principal } from './principal';

const hatinh: Principal = { sub: 'can.bo.ht', role: 'officer', provinceCode: '42' };
const commune: Principal = { sub: 'can.bo.xa', role: 'officer', provinceCode: '42', communeCode: '18073' };
const national: Principal = { sub: 'kiem.toan', role: 'auditor' };
const bank: Principal = { sub: 'vcb', role: 'bank', bankBin: '970436' };

describe('area scope', () => {
  it.each([
    [hatinh, { provinceCode: '42', communeCode: '18073' }, true],
    [hatinh, { provinceCode: '01', communeCode: '00004' }, false],
    [commune, { provinceCode: '42', communeCode: '18073' }, true],
    [commune, { provinceCode: '42', communeCode: '18100' }, false],
    [national, { provinceCode: '01' }, true],
    [bank, { provinceCode: '42' }, false],
  ])('%o covers %o: %s', (principal, area, expected) => {
    expect(coversArea(principal, area)).toBe(expected);
  });

  it('refuses tokens whose claims contradict each other', () => {
    expect(principalSchema.safeParse({ sub: 'x', role: 'officer', communeCode: '18073' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'bank' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'officer', bankBin: '970436' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'root' }).success).toBe(false);
  });
});

describe('the institution of a bank token', () => {
  it('is its BIN for a bank, its code for an e-wallet or the post office, and nothing for people', () => {
    expect(institutionOf(bank)).toBe('970436');
    expect(institutionOf(principalSchema.parse({ sub: 'momo', role: 'bank', institutionCode: 'MOMO' }))).toBe('MOMO');
    expect(institutionOf(principalSchema.parse({ sub: 'vnpost', role: 'bank', institutionCode: 'VNPOST' }))).toBe('VNPOST');
    expect(institutionOf(hatinh)).toBeUndefined();
  });

  it('binds a bank token to exactly one institution, and only bank tokens', () => {
    expect(principalSchema.safeParse({ sub: 'x', role: 'bank', bankBin: '970436', institutionCode: 'MOMO' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'auditor', institutionCode: 'VNPOST' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'bank', institutionCode: 'momo' }).success).toBe(false);
    expect(principalSchema.safeParse({ sub: 'x', role: 'bank', institutionCode: '970436' }).success).toBe(false);
  });
});

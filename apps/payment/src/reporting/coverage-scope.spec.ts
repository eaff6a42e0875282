import type { Principal } from '@app/platform';
import { maskPersonName, scopeOf } from './coverage.service';

const auditor: Principal = { sub: 'kiem.toan', role: 'auditor' };
const haTinh: Principal = { sub: 'can.bo.ha.tinh', role: 'officer', provinceCode: '42' };
const thanhSen: Principal = { sub: 'can.bo.xa', role: 'officer', provinceCode: '42', communeCode: '18073' };

describe('coverage scope', () => {
  it('gives a national caller what it asks for, and a commune its province', () => {
    expect(scopeOf(auditor, {})).toEqual({});
    expect(scopeOf(auditor, { communeCode: '18073' })).toEqual({ provinceCode: '42', communeCode: '18073' });
  });

  it('narrows an officer to the area of the token, never wider', () => {
    expect(scopeOf(haTinh, {})).toEqual({ provinceCode: '42' });
    expect(scopeOf(haTinh, { communeCode: '18100' })).toEqual({ provinceCode: '42', communeCode: '18100' });
    expect(scopeOf(thanhSen, {})).toEqual({ provinceCode: '42', communeCode: '18073' });
    expect(() => scopeOf(haTinh, { provinceCode: '01' })).toThrow(expect.objectContaining({ code: 'AUTH.OUT_OF_AREA' }));
    expect(() => scopeOf(haTinh, { communeCode: '00004' })).toThrow(expect.objectContaining({ code: 'AUTH.OUT_OF_AREA' }));
    expect(() => scopeOf(thanhSen, { communeCode: '18100' })).toThrow(expect.objectContaining({ code: 'AUTH.OUT_OF_AREA' }));
  });

  it('refuses a commune named with another province', () => {
    expect(() => scopeOf(auditor, { provinceCode: '01', communeCode: '18073' })).toThrow(expect.objectContaining({ code: 'REPORTING.COMMUNE_NOT_IN_PROVINCE' }));
  });
});

describe('masked names in the officers list', () => {
  it('keeps the family name and the initials, composed', () => {
    expect(maskPersonName('Nguyễn Thị Đào')).toBe('Nguyễn T. Đ.');
    expect(maskPersonName('Nguye\u0302\u0303n  Văn   A')).toBe('Nguyễn V. A.');
    expect(maskPersonName(null)).toBe('—');
  });
});

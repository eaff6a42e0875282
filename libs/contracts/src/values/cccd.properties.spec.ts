import fc from 'fast-check';
import { checkCccd, decodeCccd, maskCccd, type CccdProblem, type Gender } from './cccd';
import { PROVINCES_BEFORE_2025 } from './province-codes';

const runs = { seed: 20261123, numRuns: 3_000 };

const provinceCodes = Object.keys(PROVINCES_BEFORE_2025).map((code) => `0${code}`);
const notProvinceCodes = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0')).filter((code) => !provinceCodes.includes(code));

/** A person as registered: birth province, gender and date of birth within the centuries a CCCD encodes (1900–2199). */
const person = fc.record({
  province: fc.constantFrom(...provinceCodes),
  gender: fc.constantFrom<Gender>('male', 'female'),
  dateOfBirth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  serial: fc.stringMatching(/^\d{6}$/),
});

/** The CCCD the police would issue to that person (Circular 59/2021/TT-BCA). */
function issue(p: { province: string; gender: Gender; dateOfBirth: string; serial: string }): string {
  const year = Number(p.dateOfBirth.slice(0, 4));
  const centuryGender = Math.floor((year - 1900) / 100) * 2 + (p.gender === 'female' ? 1 : 0);
  return `${p.province}${centuryGender}${String(year % 100).padStart(2, '0')}${p.serial}`;
}

const replaceAt = (text: string, from: number, to: number, by: string) => text.slice(0, from) + by + text.slice(to);

describe('CCCD (properties)', () => {
  it('accepts every number issued for a date of birth, gender and birth province', () => {
    fc.assert(
      fc.property(person, (p) => {
        const cccd = issue(p);
        expect(checkCccd(cccd, p.dateOfBirth, p.gender)).toEqual([]);
        expect(decodeCccd(cccd)).toEqual({ birthProvinceCode: p.province, gender: p.gender, birthYear: Number(p.dateOfBirth.slice(0, 4)) });
      }),
      runs,
    );
  });

  it('rejects a province that never existed as CCCD_PROVINCE, and only that', () => {
    fc.assert(
      fc.property(person, fc.constantFrom(...notProvinceCodes), (p, wrong) => {
        expect(checkCccd(replaceAt(issue(p), 0, 3, wrong), p.dateOfBirth, p.gender)).toEqual(['CCCD_PROVINCE']);
      }),
      runs,
    );
  });

  it('names the right problem for any other century/gender digit', () => {
    fc.assert(
      fc.property(person, fc.integer({ min: 0, max: 9 }), (p, digit) => {
        const cccd = issue(p);
        fc.pre(String(digit) !== cccd[3]);
        const problems = checkCccd(replaceAt(cccd, 3, 4, String(digit)), p.dateOfBirth, p.gender);
        const original = Number(cccd[3]);
        const expected: CccdProblem[] = [];
        if (digit >= 6) expected.push('CCCD_CENTURY');
        else {
          if (digit % 2 !== original % 2) expected.push('CCCD_GENDER_MISMATCH');
          if (Math.floor(digit / 2) !== Math.floor(original / 2)) expected.push('CCCD_BIRTH_YEAR_MISMATCH');
        }
        expect(problems).toEqual(expected);
      }),
      runs,
    );
  });

  it('rejects another two-digit birth year as CCCD_BIRTH_YEAR_MISMATCH, and only that', () => {
    fc.assert(
      fc.property(person, fc.integer({ min: 0, max: 99 }), (p, yy) => {
        const cccd = issue(p);
        const wrong = String(yy).padStart(2, '0');
        fc.pre(wrong !== cccd.slice(4, 6));
        expect(checkCccd(replaceAt(cccd, 4, 6, wrong), p.dateOfBirth, p.gender)).toEqual(['CCCD_BIRTH_YEAR_MISMATCH']);
      }),
      runs,
    );
  });

  it('rejects the declared data of someone else: other gender, other year', () => {
    fc.assert(
      fc.property(person, fc.integer({ min: 1, max: 299 }), (p, shift) => {
        const cccd = issue(p);
        const other: Gender = p.gender === 'male' ? 'female' : 'male';
        expect(checkCccd(cccd, p.dateOfBirth, other)).toEqual(['CCCD_GENDER_MISMATCH']);
        const year = 1900 + ((Number(p.dateOfBirth.slice(0, 4)) - 1900 + shift) % 300);
        expect(checkCccd(cccd, `${year}${p.dateOfBirth.slice(4)}`, p.gender)).toEqual(['CCCD_BIRTH_YEAR_MISMATCH']);
      }),
      runs,
    );
  });

  it('rejects a wrong length, a non-digit or a non-ASCII digit as CCCD_FORMAT, and only that', () => {
    const corruption = fc.oneof(
      fc.record({ kind: fc.constant('cut' as const), at: fc.integer({ min: 0, max: 11 }) }),
      fc.record({ kind: fc.constant('extra' as const), at: fc.integer({ min: 0, max: 12 }), digit: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.integer({ min: 0, max: 11 }), by: fc.constantFrom('a', ' ', '-', '.', '٣', '３', 'O', '\u0000', '\n') }),
    );
    fc.assert(
      fc.property(person, corruption, (p, c) => {
        const cccd = issue(p);
        const broken =
          c.kind === 'cut' ? replaceAt(cccd, c.at, c.at + 1, '') : c.kind === 'extra' ? replaceAt(cccd, c.at, c.at, String(c.digit)) : replaceAt(cccd, c.at, c.at + 1, c.by);
        expect(checkCccd(broken, p.dateOfBirth, p.gender)).toEqual(['CCCD_FORMAT']);
      }),
      runs,
    );
  });

  it('never throws on arbitrary text, and masks every number down to its last three digits', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.constantFrom<Gender>('male', 'female'), (text, gender) => {
        expect(Array.isArray(checkCccd(text, '1948-03-15', gender))).toBe(true);
      }),
      runs,
    );
    fc.assert(
      fc.property(person, (p) => {
        const masked = maskCccd(issue(p));
        expect(masked).toHaveLength(12);
        expect(masked.slice(0, 9)).toBe('*********');
        expect(masked.slice(9)).toBe(p.serial.slice(3));
      }),
      runs,
    );
  });
});

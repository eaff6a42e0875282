import { PROVINCES_BEFORE_2025 } from '@app/contracts';

/**
 * Realistic Vietnamese beneficiaries: family name first, a middle name, a given name; a CCCD that is
 * consistent with the date of birth and gender (so it passes the cross-check); a mobile number.
 * Deterministic for a given seed, so a failing test can be replayed.
 */
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE_FEMALE = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Mỹ', 'Hồng'];
const MIDDLE_MALE = ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Đình'];
const GIVEN_FEMALE = ['Đào', 'Lan', 'Hoa', 'Mai', 'Hương', 'Nhung', 'Thảo', 'Hằng', 'Yến', 'Loan', 'Cúc', 'Huệ'];
const GIVEN_MALE = ['Hùng', 'Dũng', 'Tuấn', 'Nam', 'Sơn', 'Long', 'Thắng', 'Bình', 'Phúc', 'Tài', 'Lộc', 'Đạt'];
const MOBILE_PREFIXES = ['090', '091', '093', '094', '096', '097', '098', '086', '088', '032', '035', '039'];
const BIRTH_PROVINCES = Object.keys(PROVINCES_BEFORE_2025);

export interface BeneficiaryInput {
  fullName: string;
  cccd: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  phone?: string;
  provinceCode: string;
  communeCode: string;
  legacyDistrictCode?: string;
  programmeCode: string;
  categoryCode: string;
}

/** Mulberry32: a tiny seeded PRNG so generated people are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function cccdFor(birthProvince: string, dateOfBirth: string, gender: 'male' | 'female', serial: number): string {
  const year = Number(dateOfBirth.slice(0, 4));
  const centuryDigit = (Math.floor(year / 100) - 19) * 2 + (gender === 'female' ? 1 : 0);
  return `0${birthProvince}${centuryDigit}${String(year % 100).padStart(2, '0')}${String(serial % 1_000_000).padStart(6, '0')}`;
}

let sequence = 0;

export function newBeneficiary(overrides: Partial<BeneficiaryInput> = {}, seed = Date.now() + ++sequence): BeneficiaryInput {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const gender = overrides.gender ?? (random() < 0.6 ? 'female' : 'male');
  const year = 1935 + Math.floor(random() * 60);
  const dateOfBirth = overrides.dateOfBirth ?? `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  const female = gender === 'female';
  return {
    fullName: `${pick(FAMILY)} ${pick(female ? MIDDLE_FEMALE : MIDDLE_MALE)} ${pick(female ? GIVEN_FEMALE : GIVEN_MALE)}`,
    cccd: overrides.cccd ?? cccdFor(pick(BIRTH_PROVINCES), dateOfBirth, gender, Math.floor(random() * 1_000_000)),
    dateOfBirth,
    gender,
    phone: `${pick(MOBILE_PREFIXES)}${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`,
    provinceCode: '42',
    communeCode: '18073',
    programmeCode: 'TC_XH',
    categoryCode: 'NCT_80',
    ...overrides,
  };
}

import { z } from 'zod';
import { PROVINCES_BEFORE_2025 } from './province-codes';

/**
 * The 12-digit citizen identity number (căn cước công dân, CCCD):
 * 3-digit birth-registration province (pre-2025 list, 001…096) + 1 century/gender digit + 2-digit
 * birth year + 6-digit serial. There is no check digit, so the number is validated by cross-checking
 * it against the registered date of birth and gender.
 */
export type Gender = 'male' | 'female';

export type CccdProblem =
  | 'CCCD_FORMAT'
  | 'CCCD_PROVINCE'
  | 'CCCD_CENTURY'
  | 'CCCD_GENDER_MISMATCH'
  | 'CCCD_BIRTH_YEAR_MISMATCH';

export const CCCD_MESSAGES: Readonly<Record<CccdProblem, string>> = {
  CCCD_FORMAT: 'Số CCCD phải gồm đúng 12 chữ số.',
  CCCD_PROVINCE: 'Ba số đầu của CCCD không phải mã tỉnh nơi đăng ký khai sinh hợp lệ.',
  CCCD_CENTURY: 'Số thứ tư của CCCD (mã thế kỷ và giới tính) không hợp lệ.',
  CCCD_GENDER_MISMATCH: 'Giới tính mã hóa trong CCCD không khớp với giới tính đã khai.',
  CCCD_BIRTH_YEAR_MISMATCH: 'Năm sinh mã hóa trong CCCD không khớp với ngày sinh đã khai.',
};

export const cccdSchema = z.string().regex(/^\d{12}$/, CCCD_MESSAGES.CCCD_FORMAT);

export interface DecodedCccd {
  birthProvinceCode: string;
  gender: Gender;
  birthYear: number;
}

/** Decodes the structural part of a CCCD, or names the first structural problem. */
export function decodeCccd(cccd: string): DecodedCccd | CccdProblem {
  if (!/^\d{12}$/.test(cccd)) return 'CCCD_FORMAT';
  const province = cccd.slice(0, 3);
  if (province[0] !== '0' || !(province.slice(1) in PROVINCES_BEFORE_2025)) return 'CCCD_PROVINCE';
  const centuryGender = Number(cccd[3]);
  // 0/1 = 20th century, 2/3 = 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th (Circular 59/2021/TT-BCA).
  const century = 1900 + Math.floor(centuryGender / 2) * 100;
  if (century > 2100) return 'CCCD_CENTURY';
  return {
    birthProvinceCode: province,
    gender: centuryGender % 2 === 0 ? 'male' : 'female',
    birthYear: century + Number(cccd.slice(4, 6)),
  };
}

/** Every problem found when a CCCD is checked against a declared date of birth (YYYY-MM-DD) and gender. */
export function checkCccd(cccd: string, dateOfBirth: string, gender: Gender): CccdProblem[] {
  const decoded = decodeCccd(cccd);
  if (typeof decoded === 'string') return [decoded];
  const problems: CccdProblem[] = [];
  if (decoded.gender !== gender) problems.push('CCCD_GENDER_MISMATCH');
  if (decoded.birthYear !== Number(dateOfBirth.slice(0, 4))) problems.push('CCCD_BIRTH_YEAR_MISMATCH');
  return problems;
}

/** "0**********9" style masking for logs and officer screens: only the last 3 digits stay. */
export function maskCccd(cccd: string): string {
  return cccd.length <= 3 ? '***' : '*'.repeat(cccd.length - 3) + cccd.slice(-3);
}

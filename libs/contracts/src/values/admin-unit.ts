import { z } from 'zod';
import { PROVINCES_2025 } from './province-codes';

/**
 * Administrative units since 1 July 2025: province (2-digit code) → commune (5-digit code); districts
 * were abolished and survive only as a legacy 3-digit dimension for older data.
 */
export const provinceCodeSchema = z
  .string()
  .regex(/^\d{2}$/, 'mã tỉnh phải gồm 2 chữ số')
  .refine((code) => code in PROVINCES_2025, 'mã tỉnh không có trong danh mục 34 tỉnh, thành phố từ 01/7/2025');

export const communeCodeSchema = z.string().regex(/^\d{5}$/, 'mã xã phải gồm 5 chữ số');
export const legacyDistrictCodeSchema = z.string().regex(/^\d{3}$/, 'mã huyện (cũ) phải gồm 3 chữ số');

export const areaSchema = z.object({
  provinceCode: provinceCodeSchema,
  communeCode: communeCodeSchema.optional(),
});
export type Area = z.infer<typeof areaSchema>;

/** The code list every stored unit code refers to (Decision 19/2025/QĐ-TTg). */
export const ADMIN_UNIT_CODE_LIST = 'QD-19-2025';

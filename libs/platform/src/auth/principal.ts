import { z } from 'zod';

/**
 * Who is calling. Officers prepare, supervisors approve (maker-checker), auditors only read, banks see
 * only their own instructions. An area scope limits a person to a province, or a commune within it;
 * a token without a province is national (ministry staff and auditors).
 */
export const ROLES = ['officer', 'supervisor', 'auditor', 'admin', 'bank'] as const;
export type Role = (typeof ROLES)[number];

export const principalSchema = z
  .object({
    sub: z.string().min(1).max(100),
    role: z.enum(ROLES),
    provinceCode: z.string().regex(/^\d{2}$/).optional(),
    communeCode: z.string().regex(/^\d{5}$/).optional(),
    bankBin: z.string().regex(/^\d{6}$/).optional(),
    // a paying institution without a BIN: an e-wallet provider (MOMO) or the post office (VNPOST)
    institutionCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/).optional(),
  })
  .refine((p) => !p.communeCode || p.provinceCode, { message: 'a commune scope needs its province' })
  .refine((p) => (p.role === 'bank') === Boolean(p.bankBin ?? p.institutionCode), { message: 'bank tokens, and only they, carry a bankBin or an institutionCode' })
  .refine((p) => !(p.bankBin && p.institutionCode), { message: 'a bank token is bound to one institution' });

export type Principal = z.infer<typeof principalSchema>;

/**
 * The paying institution a `bank` token is bound to, as instructions name it (a BIN, MOMO, VNPOST);
 * undefined for everyone else.
 */
export function institutionOf(principal: Principal): string | undefined {
  return principal.role === 'bank' ? (principal.bankBin ?? principal.institutionCode) : undefined;
}

export interface AreaRef {
  provinceCode: string;
  communeCode?: string | null;
}

/** True when the principal's scope covers the area: national covers all, a province its communes. */
export function coversArea(principal: Principal, area: AreaRef): boolean {
  if (principal.role === 'bank') return false;
  if (!principal.provinceCode) return true;
  if (principal.provinceCode !== area.provinceCode) return false;
  return !principal.communeCode || principal.communeCode === area.communeCode;
}

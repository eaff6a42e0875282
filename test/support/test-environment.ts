import { issueToken, type Principal } from '@app/platform';

export { ADMIN_DATABASE_URL, TEST_ENV } from './test-env';
import { TEST_ENV } from './test-env';

export function tokenFor(principal: Principal): string {
  return issueToken(TEST_ENV.JWT_SECRET, principal, '1h');
}

export const PRINCIPALS = {
  haTinhOfficer: { sub: 'can.bo.ha.tinh', role: 'officer', provinceCode: '42' },
  communeOfficer: { sub: 'can.bo.xa.18073', role: 'officer', provinceCode: '42', communeCode: '18073' },
  haNoiOfficer: { sub: 'can.bo.ha.noi', role: 'officer', provinceCode: '01' },
  haTinhSupervisor: { sub: 'lanh.dao.ha.tinh', role: 'supervisor', provinceCode: '42' },
  nationalAuditor: { sub: 'kiem.toan.nha.nuoc', role: 'auditor' },
  vietcombank: { sub: 'vietcombank', role: 'bank', bankBin: '970436' },
} as const satisfies Record<string, Principal>;

/**
 * Resolves once `probe` returns a value other than undefined/false, polling until `timeoutMs`.
 * Used to wait for an effect that happens in another process (a row written by a consumer), never as
 * a fixed sleep: it returns as soon as the condition holds, and fails with what it last saw.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

import type { Role } from '@app/platform';

/** Name of the cookie that carries the dashboard token once exchanged; scoped to /queues. */
export const DASHBOARD_COOKIE = 'ansinh_queues_token';

export type DashboardAccess = 'operate' | 'read-only' | 'none';

/**
 * Admins operate the queues (retry, clean, pause); auditors look without touching; everyone else is
 * kept out: job data is only ids, but retrying or deleting a notice job is an operator's decision.
 */
export function dashboardAccess(role: Role): DashboardAccess {
  switch (role) {
    case 'admin':
      return 'operate';
    case 'auditor':
      return 'read-only';
    case 'officer':
    case 'supervisor':
    case 'bank':
      return 'none';
  }
}

/** The dashboard page loads its data with plain browser requests, so after the first visit the token rides in a cookie. */
export function tokenFromCookie(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === DASHBOARD_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

import { dashboardAccess, DASHBOARD_COOKIE, tokenFromCookie } from './dashboard-access';

describe('queue dashboard access', () => {
  it('lets admins operate, auditors look, and nobody else in', () => {
    expect(dashboardAccess('admin')).toBe('operate');
    expect(dashboardAccess('auditor')).toBe('read-only');
    expect(dashboardAccess('officer')).toBe('none');
    expect(dashboardAccess('supervisor')).toBe('none');
    expect(dashboardAccess('bank')).toBe('none');
  });

  it('finds its token among other cookies', () => {
    expect(tokenFromCookie(`theme=dark; ${DASHBOARD_COOKIE}=a.b.c; lang=vi`)).toBe('a.b.c');
    expect(tokenFromCookie('theme=dark')).toBeUndefined();
    expect(tokenFromCookie(undefined)).toBeUndefined();
  });
});

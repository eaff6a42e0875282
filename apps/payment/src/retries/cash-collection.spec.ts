import { cashReportCutoff } from './cash-collection';

describe('cash waiting at the post office', () => {
  it('holds cash accepted more than the collection days plus the grace hours ago, and not a moment earlier', () => {
    const now = new Date('2026-12-31T10:00:00+07:00');
    const cutoff = cashReportCutoff(now, 30, 48);
    expect(cutoff.toISOString()).toBe(new Date('2026-11-29T10:00:00+07:00').toISOString());
    const acceptedOnTime = new Date('2026-11-29T10:00:00.001+07:00');
    const acceptedTooLongAgo = new Date('2026-11-29T09:59:59.999+07:00');
    expect(acceptedOnTime < cutoff).toBe(false);
    expect(acceptedTooLongAgo < cutoff).toBe(true);
    expect(cashReportCutoff(now, 1, 0).toISOString()).toBe(new Date('2026-12-30T10:00:00+07:00').toISOString());
  });
});

/**
 * Cash waits at the post office for the beneficiary: once Vietnam Post has accepted an instruction,
 * silence is normal for up to CASH_COLLECTION_DAYS, and a resend would only duplicate the order.
 * The post office's final answer is settled (handed over) or NOT_COLLECTED; if neither comes within
 * the window plus a grace for its report, the payout is held with this reason for an officer.
 */
export const CASH_NOT_REPORTED = 'CASH_NOT_REPORTED';

/** Cash accepted before this moment has outlived its collection window and the grace for the report. */
export function cashReportCutoff(now: Date, collectionDays: number, graceHours: number): Date {
  return new Date(now.getTime() - collectionDays * 86_400_000 - graceHours * 3_600_000);
}

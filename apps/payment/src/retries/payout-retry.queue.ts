/** BullMQ queue of resends (same instruction id, later) and of the sweep that finds unanswered instructions. */
export const PAYOUT_RETRY_QUEUE = 'payout-retries';
export const RESEND_JOB = 'resend';
export const SWEEP_JOB = 'sweep';
export const SWEEP_SCHEDULER_ID = 'payout-sweep';

/** Exponential backoff, capped: base, 2×base, 4×base, … never more than cap. */
export function resendDelayMs(sendCount: number, baseMs: number, capMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, sendCount - 1), capMs);
}

/** One job per (instruction, send): a second schedule of the same resend is the same job. */
export function resendJobId(instructionId: string, sendCount: number): string {
  return `resend-${instructionId}-${sendCount}`;
}

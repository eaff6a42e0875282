/** BullMQ queue whose job scheduler opens each month's payout cycles. */
export const CYCLE_SCHEDULE_QUEUE = 'payout-cycle-schedule';
export const GENERATE_MONTHLY_JOB = 'generate-monthly';
export const CYCLE_SCHEDULER_ID = 'monthly-cycles';

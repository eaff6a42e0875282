// Persisted in Redis: DO NOT CHANGE THE VALUES, or queued jobs are orphaned.
export const ACCOUNT_QUEUE = 'beneficiary-account-verification';

export enum AccountJob {
  NameEnquiry = 'name-enquiry',
  Sweep = 'sweep-pending-accounts',
}

/**
 * One job per account and verification round, so queueing twice (the request and the sweep) runs the
 * enquiry once; the sweep adds the hour, so an enquiry that failed every retry is tried again later.
 * BullMQ refuses ':' in custom ids.
 */
export function nameEnquiryJobId(accountId: string, round: number, hour?: number): string {
  return `${AccountJob.NameEnquiry}-${accountId}-r${round}${hour === undefined ? '' : `-h${hour}`}`;
}

export interface NameEnquiryJobData {
  accountId: string;
}

import type { TracedJobData } from '@app/platform';
import type { NoticeChannel } from '../recipients/contact-plan';

// Persisted in Redis: DO NOT CHANGE THE VALUES, or queued jobs are orphaned.
/** One queue per provider, so each has its own rate limit and an outage of one never holds up another. */
export const DELIVERY_QUEUES: Readonly<Record<NoticeChannel, string>> = {
  sms: 'notification-sms',
  zalo: 'notification-zalo',
  email: 'notification-email',
};
export const MAINTENANCE_QUEUE = 'notification-maintenance';

export enum NoticeJob {
  Deliver = 'deliver-notice',
  Sweep = 'sweep-unfinished-notices',
}

/** Ids only: the notice row is the truth. */
export interface DeliverJobData extends Partial<TracedJobData> {
  noticeId: string;
}

/**
 * The job of a notice: its id, so queueing it twice runs it once. A notice the sweeper queues again gets
 * a new id (`-r<n>`): BullMQ ignores an add whose id it still keeps, even for a finished job. No ':' in ids.
 */
export function deliverJobId(noticeId: string, requeueCount: number): string {
  return requeueCount === 0 ? `notice-${noticeId}` : `notice-${noticeId}-r${requeueCount}`;
}

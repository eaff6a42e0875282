import type { Job } from 'bullmq';
import { RequestContext } from '../context/request-context';

/** Job data carries the correlation id of the operation that queued it, so worker logs and events join the same trail. */
export interface TracedJobData {
  correlationId: string;
  causationId: string | null;
}

export function traced<T extends object>(data: T): T & TracedJobData {
  const context = RequestContext.current();
  return { ...data, correlationId: context?.correlationId ?? RequestContext.correlationId(), causationId: context?.causationId ?? null };
}

export function runInJobContext<T>(job: Job<Partial<TracedJobData>>, work: () => Promise<T>): Promise<T> {
  return RequestContext.run({ correlationId: job.data.correlationId, causationId: job.id ?? null }, work);
}

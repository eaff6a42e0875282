import type { Queue } from 'bullmq';

/**
 * Runs `jobName` every `everyMs` on `queue`, once across all instances. BullMQ keeps a scheduler's
 * offset when only `every` changes, and uses it when a run ends after the next was due: a sweep moved
 * from an hour to 300 ms ran twice and then not for 32 minutes (job-schedule.spec.ts). A changed
 * interval therefore replaces the scheduler, which recomputes the offset.
 */
export async function scheduleEvery(queue: Queue, schedulerId: string, everyMs: number, jobName: string): Promise<void> {
  const current = await queue.getJobScheduler(schedulerId);
  if (current && Number(current.every) !== everyMs) await queue.removeJobScheduler(schedulerId);
  await queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name: jobName });
}

import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { scheduleEvery } from './job-schedule';

// Real Redis and real BullMQ workers: the schedule is what BullMQ does with it, not what we ask.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
jest.setTimeout(30_000);

describe('scheduleEvery', () => {
  const queueName = `job-schedule-spec-${process.pid}-${Date.now()}`;
  // BullMQ never closes connections it is handed, so the test owns and closes them.
  const connections = [0, 1, 2].map(() => new IORedis(redisUrl, { maxRetriesPerRequest: null }));
  const queue = new Queue(queueName, { connection: connections[0] });
  let runs = 0;
  /** A sweep slower than its interval, as a sweep over a large backlog is. */
  const startWorker = (connection: IORedis) =>
    new Worker(queueName, async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 700));
    }, { connection });
  const runsReach = async (count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (runs < count) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  };

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('a shorter interval keeps running on it, even when a run outlasts the interval', async () => {
    await scheduleEvery(queue, 'sweep', 3_600_000, 'sweep');
    const hourly = startWorker(connections[1]);
    await expect(runsReach(1, 10_000)).resolves.toBe(true);
    await hourly.close();

    await scheduleEvery(queue, 'sweep', 300, 'sweep');
    const frequent = startWorker(connections[2]);
    try {
      // with a bare upsertJobScheduler this stops after two runs: the next is put ~30 minutes away
      await expect(runsReach(6, 15_000)).resolves.toBe(true);
      const scheduler = await queue.getJobScheduler('sweep');
      expect(Number(scheduler!.every)).toBe(300);
      expect(scheduler!.next! - Date.now()).toBeLessThan(1_000);
    } finally {
      await frequent.close();
    }
  });

  it('an unchanged interval keeps the schedule it has', async () => {
    await scheduleEvery(queue, 'daily', 86_400_000, 'daily');
    const before = await queue.getJobScheduler('daily');
    await scheduleEvery(queue, 'daily', 86_400_000, 'daily');
    expect(await queue.getJobScheduler('daily')).toEqual(before);
  });
});

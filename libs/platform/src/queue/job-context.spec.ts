import { Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { RequestContext } from '../context/request-context';
import { runInJobContext, traced, type TracedJobData } from './job-context';

// Real Redis: the correlation id must survive serialisation into a BullMQ job and back out in a worker.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('correlation id through BullMQ', () => {
  const queueName = `job-context-spec-${process.pid}-${Date.now()}`;
  // BullMQ never closes connections it is handed, so the test owns and closes them.
  const connections = [0, 1, 2].map(() => new IORedis(redisUrl, { maxRetriesPerRequest: null }));
  const queue = new Queue(queueName, { connection: connections[0] });
  const events = new QueueEvents(queueName, { connection: connections[1] });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await Promise.all([queue.close(), events.close()]);
    await Promise.all(connections.map((connection) => connection.quit()));
  });

  it('reaches the worker and is the context while the job runs', async () => {
    const worker = new Worker<TracedJobData>(queueName, (job) => runInJobContext(job, async () => RequestContext.current()?.correlationId), {
      connection: connections[2],
    });
    try {
      await events.waitUntilReady();
      const job = await RequestContext.run({ correlationId: 'corr-tet-2026' }, () => queue.add('notice', traced({ beneficiaryId: 'b-1' })));
      expect(job.data).toMatchObject({ beneficiaryId: 'b-1', correlationId: 'corr-tet-2026' });
      await expect(job.waitUntilFinished(events, 10_000)).resolves.toBe('corr-tet-2026');
    } finally {
      await worker.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf } from '@app/contracts';
import { KafkaService, type MessagingOptions } from '@app/platform';
import { Kafka, logLevel } from 'kafkajs';
import { TEST_ENV } from '../support/test-environment';

jest.setTimeout(120_000);

/**
 * Two instances of one service booting at the same moment (a deployment of two replicas, a release that
 * adds a topic) both find the service's topics missing and both ask the broker to create them. The broker
 * creates them once; the other request fails. Each instance must still start: the topics it wanted exist.
 */
describe('two instances of a service booting together', () => {
  const brokers = TEST_ENV.KAFKA_BROKERS.split(',');
  const run = `test.concurrent-boot.${randomUUID().slice(0, 8)}`;
  const topics = Array.from({ length: 6 }, (_, index) => `${run}.t${index}.v1`);
  const wanted = [...topics, ...topics.map(deadLetterTopicOf)];
  const options = (serviceName: string): MessagingOptions => ({
    serviceName,
    schema: 'payment',
    brokers,
    topicPartitions: 3,
    consumerMaxAttempts: 2,
    outboxBatchSize: 100,
    outboxPollIntervalMs: 100,
    topics,
  });
  const instances = [new KafkaService(options('boot-a')), new KafkaService(options('boot-b'))];
  const admin = new Kafka({ clientId: 'concurrent-boot-test', brokers, logLevel: logLevel.NOTHING }).admin();

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.onApplicationShutdown()));
    const existing = new Set(await admin.listTopics());
    const ours = wanted.filter((topic) => existing.has(topic));
    if (ours.length) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
  });

  it('both create the same missing topics at once and both start', async () => {
    // both connected first, so their create requests reach the broker together, as at a real simultaneous boot
    await Promise.all(instances.map((instance) => instance.admin()));
    const outcomes = await Promise.allSettled(instances.map((instance) => instance.ensureTopics()));
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'started'))).toEqual(['started', 'started']);
    const existing = new Set(await admin.listTopics());
    expect(wanted.filter((topic) => !existing.has(topic))).toEqual([]);
    const metadata = await admin.fetchTopicMetadata({ topics });
    expect(metadata.topics.map((topic) => topic.partitions.length)).toEqual(topics.map(() => 3));
  });
});

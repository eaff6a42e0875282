import { Kafka, logLevel } from 'kafkajs';
import { TEST_ENV } from './test-environment';

/**
 * A consumer group that has never run starts at the beginning of every topic, which on a shared
 * development broker holds every event ever published. The test's group starts at the end instead:
 * it is there for the events the test publishes. (One member joins and commits the ends; kafkajs'
 * admin.setOffsets would join once per topic.)
 */
export async function startGroupAtEnd(groupId: string, topics: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'ansinh-test-admin', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3 })) });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    await joined;
    const ends = await Promise.all(topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ topic, partition, offset: high }))));
    await consumer.commitOffsets(ends.flat());
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}

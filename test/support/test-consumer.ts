import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { TEST_ENV } from './test-environment';

export interface ReceivedMessage {
  topic: string;
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp (ms since epoch, as a string), to tell this run's messages from older ones. */
  timestamp: string;
}

/**
 * Records every message on some topics, from the beginning, under a consumer group of its own, so a
 * test can wait for the message it expects instead of sleeping.
 */
export class TestConsumer {
  private readonly consumer: Consumer;
  readonly messages: ReceivedMessage[] = [];
  private listeners: Array<(message: ReceivedMessage) => void> = [];
  private readonly reactions: Array<(message: ReceivedMessage) => void> = [];

  private constructor(kafka: Kafka) {
    this.consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
  }

  static async start(topics: string[]): Promise<TestConsumer> {
    const kafka = new Kafka({ clientId: 'ansinh-test', brokers: TEST_ENV.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
    const recorder = new TestConsumer(kafka);
    await recorder.consumer.connect();
    await recorder.consumer.subscribe({ topics, fromBeginning: true });
    await recorder.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const received = toReceived(topic, partition, message);
        recorder.messages.push(received);
        for (const react of recorder.reactions) react(received);
        for (const listener of [...recorder.listeners]) listener(received);
      },
    });
    return recorder;
  }

  /**
   * Resolves with the first recorded message (past or future) that satisfies the predicate. Past messages
   * are searched once; after that only each new message is tested, so a busy topic stays linear.
   */
  waitFor(predicate: (message: ReceivedMessage) => boolean, what: string, timeoutMs = 30_000): Promise<ReceivedMessage> {
    const matches = tolerant(predicate);
    const seen = this.messages.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (message: ReceivedMessage) => {
        if (!matches(message)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((other) => other !== listener);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((other) => other !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${this.messages.length} message(s)`));
      }, timeoutMs);
      this.listeners.push(listener);
    });
  }

  /** Calls `react` for every message recorded from now on (a test playing an external party). */
  onMessage(react: (message: ReceivedMessage) => void): void {
    this.reactions.push(react);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/**
 * Shared topics also carry other tests' poison messages (empty values, not JSON): a predicate written
 * for well-formed events that throws on one of them simply does not match it.
 */
function tolerant(predicate: (message: ReceivedMessage) => boolean): (message: ReceivedMessage) => boolean {
  return (message) => {
    try {
      return predicate(message);
    } catch {
      return false;
    }
  };
}

function toReceived(topic: string, partition: number, message: KafkaMessage): ReceivedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return { topic, partition, key: message.key?.toString() ?? null, value: message.value, headers, timestamp: message.timestamp };
}

import {
  canonicalJson,
  chunkByBytes,
  MAX_REQUEST_VALUE_BYTES,
  instructionIssuedV1,
  instructionReportedV1,
  signPayload,
  verifyPayloadSignature,
  type PayloadOf,
} from '@app/contracts';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, Partitioners, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import { randomUUID, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { InstructionExecutorService, type Execution, type InstitutionAnswer, type ReceivedInstruction } from './instruction-executor.service';

export interface InstructionTopicsOptions {
  enabled: boolean;
  brokers: string[];
  institutions: string[];
  groupId: string;
  sessionTimeoutMs: number;
  partitions: number;
  ansinhPublicKey?: KeyObject;
  signingKey?: KeyObject;
  keyId: string;
  /** Answer only instructions whose creditor lives in one of these communes; empty: every one. */
  communes?: readonly string[];
  /** Leave alone instructions published (broker timestamp, ms) before this instant; null: none. */
  skipEarlierThan?: number | null;
}
export const INSTRUCTION_TOPICS_OPTIONS = Symbol('INSTRUCTION_TOPICS_OPTIONS');

type ResultPayload = PayloadOf<ReturnType<typeof instructionReportedV1>>;

/** Tries of an answer that could not be written (about 10 minutes with the backoff) before it is given up. */
const MAX_PUBLISH_FAILURES = 25;

/** How long an answer waits for others to leave with it in one Kafka request. */
const ANSWER_BATCH_WINDOW_MS = 5;

/** Results kept for POST /results/replay; older ones are forgotten so a long load run stays in memory. */
const REPLAYABLE_RESULTS = 200_000;

interface SentResult {
  topic: string;
  key: string;
  value: string;
  correlationId: string;
}

/** The envelope fields an answer echoes; read leniently, since the message may be anything. */
const looseEnvelope = z.object({
  eventId: z.string().min(1).max(128).optional().catch(undefined),
  correlationId: z.string().min(1).max(128).optional().catch(undefined),
  payload: z.object({ instructionId: z.uuid() }).passthrough(),
});

/**
 * The institutions' side of the Kafka contract, as any bank could build it with a plain Kafka client:
 * read `bank.<code>.instruction.issued.v1`, verify AnSinh's signature, execute, and publish a signed
 * answer on `bank.<code>.instruction.reported.v1` with key = instructionId.
 */
@Injectable()
export class InstructionTopicsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InstructionTopicsService.name);
  private readonly kafka: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly institutionOfTopic: Map<string, string>;
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopping = false;
  private readonly sent: SentResult[] = [];
  private readonly outgoing: Array<{ result: SentResult; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushTimer?: NodeJS.Timeout;
  /** A repeat is answered with the very payload sent before (same reportedAt, same signature). */
  private readonly payloadOfAnswer = new WeakMap<InstitutionAnswer, ResultPayload>();

  constructor(
    @Inject(INSTRUCTION_TOPICS_OPTIONS) private readonly options: InstructionTopicsOptions,
    private readonly executor: InstructionExecutorService,
  ) {
    this.kafka = new Kafka({ clientId: 'bank-stand-in', brokers: options.brokers, logLevel: logLevel.WARN, retry: { retries: 8 } });
    this.institutionOfTopic = new Map(options.institutions.map((code) => [instructionIssuedV1(code).topic, code]));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    await this.ensureTopics();
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, sessionTimeout: this.options.sessionTimeoutMs });
    await this.consumer.connect();
    // from the beginning: an institution must never skip an instruction published before it first joined
    await this.consumer.subscribe({ topics: [...this.institutionOfTopic.keys()], fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ topic, partition, message }) => this.onInstruction(topic, partition, message) });
    this.logger.log(`answering instructions of ${this.options.institutions.length} institution(s) as group ${this.options.groupId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.pending) clearTimeout(timer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }

  /** Re-publishes results already sent, byte for byte (same eventId): a duplicate-delivery test. */
  async replay(filter: { instructionId?: string } = {}): Promise<number> {
    const chosen = this.sent.filter((result) => !filter.instructionId || result.key === filter.instructionId);
    // a thousand at a time share requests: one by one, each waited out the batching window (200,000 took ~20 minutes)
    for (let start = 0; start < chosen.length; start += 1_000) await Promise.all(chosen.slice(start, start + 1_000).map((result) => this.send(result)));
    return chosen.length;
  }

  sentResults(): number {
    return this.sent.length;
  }

  clearSent(): void {
    this.sent.length = 0;
  }

  private async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const wanted = this.options.institutions.flatMap((code) => [instructionIssuedV1(code).topic, instructionReportedV1(code).topic]);
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      // AnSinh's payment service may create the same topics at the same moment: "already exists" is fine.
      await admin
        .createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions })) })
        .catch(async (error: unknown) => {
          const now = new Set(await admin.listTopics());
          if (missing.some((topic) => !now.has(topic))) throw error;
        });
    } finally {
      await admin.disconnect();
    }
  }

  private onInstruction(topic: string, partition: number, message: KafkaMessage): void {
    if (!this.concerns(message)) return;
    const institutionCode = this.institutionOfTopic.get(topic)!;
    const transport = { topic, partition, offset: message.offset, eventId: null as string | null };
    let value: unknown;
    try {
      value = JSON.parse(message.value?.toString('utf8') ?? '');
    } catch {
      this.executor.recordUnreadable(institutionCode, transport, 'not JSON');
      return;
    }
    const loose = looseEnvelope.safeParse(value);
    if (!loose.success) {
      this.executor.recordUnreadable(institutionCode, transport, 'no instructionId to answer to');
      return;
    }
    transport.eventId = loose.data.eventId ?? null;
    const meta = { correlationId: loose.data.correlationId ?? loose.data.payload.instructionId, causationId: loose.data.eventId ?? null };
    const payload = loose.data.payload as Record<string, unknown> & { signature?: never };
    const received = this.toReceived(institutionCode, payload, transport);

    const signed = this.options.ansinhPublicKey !== undefined && verifyPayloadSignature(payload, this.options.ansinhPublicKey);
    const definition = instructionIssuedV1(institutionCode);
    const contract = definition.envelope.safeParse(value);
    let execution: Execution;
    if (!signed) execution = this.executor.refuse(received, 'invalid signature', 'invalid');
    else if (!contract.success) execution = this.executor.refuse(received, `invalid instruction: ${contract.error.issues[0]?.path.join('.')}`, 'valid');
    else if (contract.data.type !== definition.type || contract.data.version !== definition.version) {
      execution = this.executor.refuse(received, `unexpected event ${contract.data.type} v${contract.data.version}`, 'valid');
    } else if (contract.data.payload.institutionCode !== institutionCode) {
      execution = this.executor.refuse(received, 'instruction for another institution', 'valid');
    } else execution = this.executor.execute(received);
    this.deliver(institutionCode, received.instructionId, meta, execution);
  }

  /**
   * Whether this simulator plays the institution for the message. Outside its communes or its time, another
   * simulator (another test on the same broker) does: such a message is neither answered nor recorded.
   */
  private concerns(message: KafkaMessage): boolean {
    const { skipEarlierThan, communes } = this.options;
    if (skipEarlierThan && Number(message.timestamp) < skipEarlierThan) return false;
    if (!communes || communes.length === 0) return true;
    try {
      const commune: unknown = JSON.parse(message.value?.toString('utf8') ?? '')?.payload?.creditor?.communeCode;
      return typeof commune === 'string' && communes.includes(commune);
    } catch {
      return false;
    }
  }

  private toReceived(institutionCode: string, payload: Record<string, unknown>, transport: NonNullable<ReceivedInstruction['transport']>): ReceivedInstruction {
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const creditor = (payload.creditor ?? {}) as Record<string, unknown>;
    const channel = payload.channel === 'cash' || payload.channel === 'ewallet' ? payload.channel : 'bank';
    const amount = text(payload.amountDong);
    const { sendSequence: _sequence, issuedAt: _issuedAt, signature: _signature, ...content } = payload;
    return {
      source: 'kafka',
      institutionCode,
      instructionId: payload.instructionId as string,
      endToEndId: text(payload.endToEndId),
      channel,
      amountDong: amount !== null && /^(0|[1-9]\d{0,18})$/.test(amount) ? amount : '0',
      creditorName: text(creditor.name) ?? '',
      accountNumber: text(creditor.accountNumber),
      cccd: text(creditor.cccd),
      sendSequence: typeof payload.sendSequence === 'number' ? payload.sendSequence : null,
      content: canonicalJson(content),
      transport,
    };
  }

  private deliver(institutionCode: string, instructionId: string, meta: { correlationId: string; causationId: string | null }, execution: Execution): void {
    if (execution.delivery !== 'send' || !execution.answer) return;
    const answer = execution.answer;
    const accepted = execution.acceptedFirst
      ? this.publishUntilWritten(institutionCode, instructionId, meta, this.signed({ ...this.resultOf(institutionCode, instructionId, answer), status: 'accepted', reasonCode: null, reasonText: null, bankReference: null }, 'valid'))
      : Promise.resolve();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      let payload = this.payloadOfAnswer.get(answer);
      if (!payload) {
        payload = this.signed(this.resultOf(institutionCode, instructionId, answer), execution.resultSignature);
        this.payloadOfAnswer.set(answer, payload);
      }
      const final = payload;
      void accepted.then(() => this.publishUntilWritten(institutionCode, instructionId, meta, final));
    }, execution.latencyMs);
    this.pending.add(timer);
  }

  /**
   * An institution owes its answer: one it could not write is written again, as a bank's own outbox would.
   * Without this a post office's report of cash it had accepted was lost for good when a produce request
   * failed (the broker down or overloaded), and the payout waited for the end of the collection window.
   */
  private async publishUntilWritten(institutionCode: string, instructionId: string, meta: { correlationId: string; causationId: string | null }, payload: ResultPayload): Promise<void> {
    for (let failures = 0; ; failures += 1) {
      try {
        return await this.publish(institutionCode, meta, payload);
      } catch (error) {
        if (this.stopping || failures >= MAX_PUBLISH_FAILURES) {
          this.logger.error({ err: error, instructionId, failures: failures + 1 }, 'could not publish a result; giving up');
          return;
        }
        this.logger.warn({ err: error, instructionId, failures: failures + 1 }, 'could not publish a result; will try again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** failures)));
      }
    }
  }

  private resultOf(institutionCode: string, instructionId: string, answer: InstitutionAnswer): Omit<ResultPayload, 'signature'> {
    return { instructionId, institutionCode, ...answer, reportedAt: new Date().toISOString() };
  }

  private signed(result: Omit<ResultPayload, 'signature'>, how: Execution['resultSignature']): ResultPayload {
    if (how === 'missing' || !this.options.signingKey) return { ...result, signature: null };
    const payload = signPayload(result, this.options.signingKey, this.options.keyId);
    if (how === 'valid') return payload;
    const bytes = Buffer.from(payload.signature.value, 'base64');
    bytes[0] ^= 0x01;
    return { ...payload, signature: { ...payload.signature, value: bytes.toString('base64') } };
  }

  private async publish(institutionCode: string, meta: { correlationId: string; causationId: string | null }, payload: ResultPayload): Promise<void> {
    const definition = instructionReportedV1(institutionCode);
    const envelope = definition.envelope.parse({
      eventId: randomUUID(),
      type: definition.type,
      version: definition.version,
      occurredAt: new Date().toISOString(),
      producer: 'bank-stand-in',
      correlationId: meta.correlationId,
      causationId: meta.causationId,
      aggregateId: payload.instructionId,
      payload,
    });
    const result = { topic: definition.topic, key: payload.instructionId, value: JSON.stringify(envelope), correlationId: meta.correlationId };
    await this.send(result);
    this.sent.push(result);
    if (this.sent.length > REPLAYABLE_RESULTS * 1.1) this.sent.splice(0, this.sent.length - REPLAYABLE_RESULTS);
  }

  /**
   * Answers leave in batches: every result produced within the same few milliseconds goes in one Kafka
   * request (a cycle brings 100,000 instructions at once; one request per answer made the simulated
   * bank the slowest stage of the whole pipeline). Each caller still learns whether its answer was written.
   */
  private send(result: SentResult): Promise<void> {
    const producer = this.producer;
    if (!producer) return Promise.reject(new Error('the Kafka side of the bank stand-in is disabled (BANK_STAND_IN_KAFKA_ENABLED=false)'));
    return new Promise((resolve, reject) => {
      this.outgoing.push({ result, resolve, reject });
      this.flushTimer ??= setTimeout(() => void this.flush(producer), ANSWER_BATCH_WINDOW_MS);
    });
  }

  private async flush(producer: Producer): Promise<void> {
    this.flushTimer = undefined;
    const waiting = this.outgoing.splice(0, this.outgoing.length);
    // a burst of a 100,000 cycle's answers would exceed the broker's 1 MiB per partition batch in one request
    for (const batch of chunkByBytes(waiting.map((each) => ({ ...each, value: each.result.value })), MAX_REQUEST_VALUE_BYTES)) {
      const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
      for (const { result } of batch) {
        const messages = byTopic.get(result.topic) ?? [];
        messages.push({ key: result.key, value: result.value, headers: { 'x-correlation-id': result.correlationId } });
        byTopic.set(result.topic, messages);
      }
      try {
        await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const { resolve } of batch) resolve();
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
  }
}

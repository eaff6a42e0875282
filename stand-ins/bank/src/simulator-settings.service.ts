import { BANK_REASON_CODE_LIST, type BankReasonCode } from '@app/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { reasonRatesSchema } from './config/bank-stand-in.config';

/**
 * strict: one credit per instructionId; a repeat is answered again with the same result (a TECH
 * refusal may be executed on a resend). naive: every message is executed and may credit, so a fault
 * test measures only what AnSinh guarantees.
 */
export type SimulatorMode = 'strict' | 'naive';

export interface SimulatorSettings {
  mode: SimulatorMode;
  latency: { minMs: number; maxMs: number };
  rates: Partial<Record<BankReasonCode, number>>;
  /** Executed, but the answer is never sent (lost on the way back); a strict resend gets it. */
  noAnswerRate: number;
  /** Never executed nor answered (lost on the way in); a resend is executed. */
  dropRate: number;
  /** Publish `accepted` before the final answer. */
  acceptedFirst: boolean;
  /** Settle to accounts the book does not know (load tests with no seeded accounts) instead of AC01. */
  acceptUnknownAccounts: boolean;
  seed: number;
}

export const SIMULATOR_DEFAULTS = Symbol('SIMULATOR_DEFAULTS');

export const controlSchema = z
  .object({
    mode: z.enum(['strict', 'naive']),
    latency: z.object({ minMs: z.number().int().min(0).max(600_000), maxMs: z.number().int().min(0).max(600_000) }).strict(),
    rates: reasonRatesSchema,
    noAnswerRate: z.number().min(0).max(1),
    dropRate: z.number().min(0).max(1),
    acceptedFirst: z.boolean(),
    acceptUnknownAccounts: z.boolean(),
    seed: z.number().int().min(0).max(0xffff_ffff),
  })
  .partial()
  .strict();

/** What an operator forces for one account number, CCCD or instructionId, ahead of every other rule. */
export const forcedOutcomeSchema = z
  .object({
    outcome: z.enum(['settled', 'rejected', 'no_answer', 'drop']),
    reasonCode: z.enum(BANK_REASON_CODE_LIST).optional(),
    reasonText: z.string().max(200).optional(),
    /** How many messages it applies to; absent: until removed. */
    times: z.number().int().min(1).max(1_000_000).optional(),
    /** Report this amount instead of the instructed one (an amount-mismatch test). */
    reportAmountDong: z.string().regex(/^(0|[1-9]\d{0,18})$/).optional(),
    /** Sign the result properly, tamper with its signature, or leave it unsigned. */
    resultSignature: z.enum(['valid', 'tampered', 'missing']).default('valid'),
  })
  .strict()
  .refine((forced) => (forced.outcome === 'rejected') === (forced.reasonCode !== undefined), {
    message: 'reasonCode is required for rejected and only for rejected',
    path: ['reasonCode'],
  });

export type ForcedOutcome = z.infer<typeof forcedOutcomeSchema>;

/** What one random draw decided for one message. */
export type RandomFault = { kind: 'none' } | { kind: 'drop' } | { kind: 'no_answer' } | { kind: 'reason'; reasonCode: BankReasonCode };

/** Reasons that make sense only for cash, and those that make sense only for an account. */
const CASH_ONLY: ReadonlySet<BankReasonCode> = new Set(['NOT_COLLECTED']);
const ANY_CHANNEL: ReadonlySet<BankReasonCode> = new Set(['TECH', 'NARR', 'RR04', 'AM05', 'AM09']);

/**
 * The knobs of the simulation and its random source. The PRNG is seeded, so a run with a recorded
 * seed draws the same sequence; (the order Kafka delivers messages in still varies between runs).
 */
@Injectable()
export class SimulatorSettingsService {
  private current: SimulatorSettings;
  private random: () => number;
  private readonly forced = new Map<string, ForcedOutcome & { used: number }>();

  constructor(@Inject(SIMULATOR_DEFAULTS) defaults: SimulatorSettings) {
    this.current = { ...defaults };
    this.random = mulberry32(defaults.seed);
  }

  get settings(): Readonly<SimulatorSettings> {
    return this.current;
  }

  update(change: z.infer<typeof controlSchema>): SimulatorSettings {
    const next = { ...this.current, ...change, latency: change.latency ?? this.current.latency, rates: change.rates ?? this.current.rates };
    if (next.latency.minMs > next.latency.maxMs) throw new RangeError('latency.minMs must not exceed latency.maxMs');
    const total = Object.values(next.rates).reduce((sum, rate) => sum + (rate ?? 0), 0) + next.noAnswerRate + next.dropRate;
    if (total > 1) throw new RangeError(`rates, noAnswerRate and dropRate add up to ${total}, more than 1`);
    this.current = next;
    if (change.seed !== undefined) this.random = mulberry32(change.seed);
    return this.current;
  }

  force(key: string, outcome: ForcedOutcome): void {
    this.forced.set(key, { ...outcome, used: 0 });
  }

  unforce(key: string): boolean {
    return this.forced.delete(key);
  }

  forcedOutcomes(): Record<string, ForcedOutcome & { used: number }> {
    return Object.fromEntries(this.forced);
  }

  /** The first forced outcome among the keys (instructionId first), counted as used once. */
  takeForced(keys: ReadonlyArray<string | null>): ForcedOutcome | undefined {
    for (const key of keys) {
      const normalised = key?.toLowerCase();
      const forced = normalised === undefined ? undefined : this.forced.get(normalised);
      if (!forced) continue;
      forced.used += 1;
      if (forced.times !== undefined && forced.used >= forced.times) this.forced.delete(normalised!);
      return forced;
    }
    return undefined;
  }

  /** One draw over drop, no-answer and the reason rates that apply to the channel. */
  drawFault(channel: 'bank' | 'ewallet' | 'cash'): RandomFault {
    const u = this.random();
    let edge = this.current.dropRate;
    if (u < edge) return { kind: 'drop' };
    edge += this.current.noAnswerRate;
    if (u < edge) return { kind: 'no_answer' };
    for (const reasonCode of BANK_REASON_CODE_LIST) {
      const applies = ANY_CHANNEL.has(reasonCode) || (channel === 'cash') === CASH_ONLY.has(reasonCode);
      edge += applies ? (this.current.rates[reasonCode] ?? 0) : 0;
      if (applies && u < edge) return { kind: 'reason', reasonCode };
    }
    return { kind: 'none' };
  }

  drawLatencyMs(): number {
    const { minMs, maxMs } = this.current.latency;
    return minMs + Math.floor(this.random() * (maxMs - minMs + 1));
  }

  reset(): void {
    this.forced.clear();
  }
}

/** A small, well-known 32-bit PRNG: deterministic for a seed, good enough for fault rates. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

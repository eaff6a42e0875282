import type { BankReasonCode } from '@app/contracts';
import { Injectable } from '@nestjs/common';

export type Delivery = 'send' | 'withhold' | 'drop';

/** One instruction message as the simulated institution received it, and what it did with it. */
export interface LedgerEntry {
  seq: number;
  receivedAt: string;
  source: 'kafka' | 'file';
  topic: string | null;
  partition: number | null;
  offset: string | null;
  eventId: string | null;
  /** null when the message was unreadable (not JSON, no instructionId). */
  instructionId: string | null;
  endToEndId: string | null;
  institutionCode: string;
  channel: 'bank' | 'ewallet' | 'cash' | null;
  sendSequence: number | null;
  amountDong: string | null;
  /** Last four digits only: the ledger is served over HTTP. */
  accountLast4: string | null;
  signature: 'valid' | 'invalid' | 'not_applicable';
  /** strict mode: an instructionId already executed, answered again without executing. */
  repeat: boolean;
  status: 'settled' | 'rejected' | null;
  reasonCode: BankReasonCode | null;
  reasonText: string | null;
  delivery: Delivery;
  credited: boolean;
}

export interface LedgerSummary {
  messages: number;
  unreadableMessages: number;
  invalidSignatures: number;
  distinctInstructions: number;
  repeatMessages: number;
  credits: number;
  creditedDong: string;
  answers: { settled: number; rejected: number; withheld: number; dropped: number };
  rejectionsByReason: Partial<Record<BankReasonCode, number>>;
  creditsPerInstruction: Record<string, number>;
  instructionsCreditedMoreThanOnce: string[];
  /** The §8 I1 check from the bank's side: one entitlement credited under several instruction ids. */
  endToEndIdsCreditedMoreThanOnce: string[];
}

/**
 * Every instruction message received, duplicates included, in arrival order: the evidence a test
 * compares with AnSinh's own records (reliability-anchors §8). In memory; a restart forgets it.
 */
@Injectable()
export class InstructionLedgerService {
  private entries: LedgerEntry[] = [];

  record(entry: Omit<LedgerEntry, 'seq' | 'receivedAt'>): LedgerEntry {
    const recorded = { seq: this.entries.length + 1, receivedAt: new Date().toISOString(), ...entry };
    this.entries.push(recorded);
    return recorded;
  }

  list(filter: { instructionId?: string; endToEndId?: string } = {}): LedgerEntry[] {
    return this.entries.filter(
      (entry) => (!filter.instructionId || entry.instructionId === filter.instructionId) && (!filter.endToEndId || entry.endToEndId === filter.endToEndId),
    );
  }

  summary(): LedgerSummary {
    const creditsPerInstruction: Record<string, number> = {};
    const creditsPerEndToEnd = new Map<string, number>();
    const rejectionsByReason: Partial<Record<BankReasonCode, number>> = {};
    const answers = { settled: 0, rejected: 0, withheld: 0, dropped: 0 };
    let credits = 0;
    let creditedDong = 0n;
    for (const entry of this.entries) {
      if (entry.delivery === 'drop') answers.dropped += 1;
      else if (entry.delivery === 'withhold') answers.withheld += 1;
      else if (entry.status) answers[entry.status] += 1;
      if (entry.reasonCode) rejectionsByReason[entry.reasonCode] = (rejectionsByReason[entry.reasonCode] ?? 0) + 1;
      if (!entry.credited || !entry.instructionId) continue;
      credits += 1;
      creditedDong += BigInt(entry.amountDong ?? '0');
      creditsPerInstruction[entry.instructionId] = (creditsPerInstruction[entry.instructionId] ?? 0) + 1;
      if (entry.endToEndId) creditsPerEndToEnd.set(entry.endToEndId, (creditsPerEndToEnd.get(entry.endToEndId) ?? 0) + 1);
    }
    return {
      messages: this.entries.length,
      unreadableMessages: this.entries.filter((entry) => entry.instructionId === null).length,
      invalidSignatures: this.entries.filter((entry) => entry.signature === 'invalid').length,
      distinctInstructions: new Set(this.entries.map((entry) => entry.instructionId).filter(Boolean)).size,
      repeatMessages: this.entries.filter((entry) => entry.repeat).length,
      credits,
      creditedDong: creditedDong.toString(),
      answers,
      rejectionsByReason,
      creditsPerInstruction,
      instructionsCreditedMoreThanOnce: Object.entries(creditsPerInstruction).filter(([, count]) => count > 1).map(([id]) => id),
      endToEndIdsCreditedMoreThanOnce: [...creditsPerEndToEnd].filter(([, count]) => count > 1).map(([id]) => id),
    };
  }

  clear(): void {
    this.entries = [];
  }
}

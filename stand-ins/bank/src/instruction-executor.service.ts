import { BANK_REASON_CODES, matchPersonName, type BankReasonCode } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { BankAccountsService } from './bank-accounts.service';
import { InstructionLedgerService, type Delivery, type LedgerEntry } from './instruction-ledger.service';
import { SimulatorSettingsService, type ForcedOutcome } from './simulator-settings.service';

/** An instruction as the simulated institution reads it, from a Kafka message or a pain.001 line. */
export interface ReceivedInstruction {
  source: 'kafka' | 'file';
  institutionCode: string;
  instructionId: string;
  endToEndId: string | null;
  channel: 'bank' | 'ewallet' | 'cash';
  amountDong: string;
  creditorName: string;
  accountNumber: string | null;
  cccd: string | null;
  sendSequence: number | null;
  /** What must not change between two sends of one instructionId (canonical JSON). */
  content: string;
  transport?: { topic: string; partition: number; offset: string; eventId: string | null };
}

export interface InstitutionAnswer {
  status: 'settled' | 'rejected';
  reasonCode: BankReasonCode | null;
  reasonText: string | null;
  amountDong: string;
  bankReference: string | null;
}

export interface Execution {
  answer: InstitutionAnswer | null;
  delivery: Delivery;
  /** Publish `accepted` before the answer (fresh executions only). */
  acceptedFirst: boolean;
  credited: boolean;
  repeat: boolean;
  latencyMs: number;
  resultSignature: 'valid' | 'tampered' | 'missing';
}

interface Remembered {
  content: string;
  answer: InstitutionAnswer;
}

/**
 * Decides what the simulated institution does with an instruction, credits the account (in its
 * ledger) and remembers the answer, in this order:
 * 1. strict mode, instructionId already executed: the same answer again, nothing credited (an
 *    instruction refused with TECH is executed afresh; one reused with other content gets AM05);
 * 2. an outcome forced for the instructionId, the account number or the CCCD;
 * 3. one random draw: dropped, executed but unanswered, or refused with a reason;
 * 4. the account book: unknown AC01, closed AC04, blocked AC06, holder deceased MD07, holder name
 *    not the creditor's BE01; cash is handed over.
 */
@Injectable()
export class InstructionExecutorService {
  private readonly executed = new Map<string, Remembered>();
  private referenceCounter = 0;

  constructor(
    private readonly accounts: BankAccountsService,
    private readonly settings: SimulatorSettingsService,
    private readonly ledger: InstructionLedgerService,
  ) {}

  execute(received: ReceivedInstruction): Execution {
    const mode = this.settings.settings.mode;
    const previous = this.executed.get(received.instructionId);
    let execution: Execution;
    if (mode === 'strict' && previous && previous.answer.reasonCode !== 'TECH') {
      execution =
        previous.content === received.content
          ? this.answered(previous.answer, { repeat: true })
          : this.answered(this.rejection(received.amountDong, 'AM05', 'instructionId reused with different content'), {});
    } else {
      execution = this.executeAfresh(received);
      if (execution.answer) this.executed.set(received.instructionId, { content: received.content, answer: execution.answer });
    }
    this.ledger.record({
      ...this.ledgerFields(received),
      signature: received.source === 'kafka' ? 'valid' : 'not_applicable',
      repeat: execution.repeat,
      status: execution.answer?.status ?? null,
      reasonCode: execution.answer?.reasonCode ?? null,
      reasonText: execution.answer?.reasonText ?? null,
      delivery: execution.delivery,
      credited: execution.credited,
    });
    return execution;
  }

  /** An instruction refused before execution (bad signature, not the contract): answered NARR, never credited. */
  refuse(received: ReceivedInstruction, reasonText: string, signature: LedgerEntry['signature']): Execution {
    const execution = this.answered(this.rejection(received.amountDong, 'NARR', reasonText), {});
    this.ledger.record({
      ...this.ledgerFields(received),
      signature,
      repeat: false,
      status: 'rejected',
      reasonCode: 'NARR',
      reasonText,
      delivery: 'send',
      credited: false,
    });
    return execution;
  }

  /** A message nobody can answer: no instructionId to answer to. Recorded, then ignored. */
  recordUnreadable(institutionCode: string, transport: NonNullable<ReceivedInstruction['transport']>, reasonText: string): void {
    this.ledger.record({
      source: 'kafka',
      ...transport,
      instructionId: null,
      endToEndId: null,
      institutionCode,
      channel: null,
      sendSequence: null,
      amountDong: null,
      accountLast4: null,
      signature: 'invalid',
      repeat: false,
      status: null,
      reasonCode: null,
      reasonText,
      delivery: 'drop',
      credited: false,
    });
  }

  reset(): void {
    this.executed.clear();
  }

  private executeAfresh(received: ReceivedInstruction): Execution {
    const forced = this.settings.takeForced([received.instructionId, received.accountNumber, received.cccd]);
    const fault = forced ? undefined : this.settings.drawFault(received.channel);
    if (forced?.outcome === 'drop' || fault?.kind === 'drop') {
      return { answer: null, delivery: 'drop', acceptedFirst: false, credited: false, repeat: false, latencyMs: 0, resultSignature: 'valid' };
    }
    const amountDong = forced?.reportAmountDong ?? received.amountDong;
    let answer: InstitutionAnswer;
    if (forced?.outcome === 'settled') answer = this.settlement(received, amountDong);
    else if (forced?.outcome === 'rejected') answer = this.rejection(amountDong, forced.reasonCode!, forced.reasonText);
    else if (fault?.kind === 'reason') answer = this.rejection(amountDong, fault.reasonCode);
    else answer = this.byAccountBook(received, amountDong);

    const withheld = forced?.outcome === 'no_answer' || fault?.kind === 'no_answer';
    return {
      answer,
      delivery: withheld ? 'withhold' : 'send',
      acceptedFirst: this.settings.settings.acceptedFirst,
      credited: answer.status === 'settled',
      repeat: false,
      latencyMs: this.settings.drawLatencyMs(),
      resultSignature: (forced as ForcedOutcome | undefined)?.resultSignature ?? 'valid',
    };
  }

  private byAccountBook(received: ReceivedInstruction, amountDong: string): InstitutionAnswer {
    if (received.channel === 'cash') return this.settlement(received, amountDong);
    const account = received.accountNumber ? this.accounts.find(received.institutionCode, received.accountNumber) : undefined;
    if (!account) return this.settings.settings.acceptUnknownAccounts ? this.settlement(received, amountDong) : this.rejection(amountDong, 'AC01');
    if (account.status === 'closed') return this.rejection(amountDong, 'AC04');
    if (account.status === 'blocked') return this.rejection(amountDong, 'AC06');
    if (account.deceased) return this.rejection(amountDong, 'MD07');
    if (matchPersonName(received.creditorName, account.holderName) === 'mismatch') return this.rejection(amountDong, 'BE01');
    return this.settlement(received, amountDong);
  }

  private settlement(received: ReceivedInstruction, amountDong: string): InstitutionAnswer {
    this.referenceCounter += 1;
    const day = new Date().toISOString().slice(2, 10).replace(/-/g, '');
    const bankReference = `SIM${received.institutionCode}${day}${String(this.referenceCounter).padStart(8, '0')}`;
    return { status: 'settled', reasonCode: null, reasonText: null, amountDong, bankReference };
  }

  private rejection(amountDong: string, reasonCode: BankReasonCode, reasonText?: string): InstitutionAnswer {
    return { status: 'rejected', reasonCode, reasonText: reasonText ?? BANK_REASON_CODES[reasonCode], amountDong, bankReference: null };
  }

  private answered(answer: InstitutionAnswer, { repeat = false }: { repeat?: boolean }): Execution {
    return { answer, delivery: 'send', acceptedFirst: false, credited: false, repeat, latencyMs: this.settings.drawLatencyMs(), resultSignature: 'valid' };
  }

  private ledgerFields(received: ReceivedInstruction) {
    return {
      source: received.source,
      topic: received.transport?.topic ?? null,
      partition: received.transport?.partition ?? null,
      offset: received.transport?.offset ?? null,
      eventId: received.transport?.eventId ?? null,
      instructionId: received.instructionId,
      endToEndId: received.endToEndId,
      institutionCode: received.institutionCode,
      channel: received.channel,
      sendSequence: received.sendSequence,
      amountDong: received.amountDong,
      accountLast4: received.accountNumber?.slice(-4) ?? null,
    };
  }
}

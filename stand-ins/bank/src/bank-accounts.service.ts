import { Inject, Injectable } from '@nestjs/common';

export interface BankStandInOptions {
  /** Delay before every name-enquiry answer, to make a slow bank visible in tests and demos. */
  latencyMs: number;
}
export const BANK_STAND_IN_OPTIONS = Symbol('BANK_STAND_IN_OPTIONS');

export interface StandInAccount {
  /** A NAPAS BIN (6 digits) for a bank, a provider code (MOMO, …) for an e-wallet. */
  institution: string;
  account: string;
  holderName: string;
  /** blocked: name-enquiry still answers, a credit is refused (AC06). */
  status: 'active' | 'closed' | 'blocked';
  /** The bank has learnt the holder died: name-enquiry still answers, a credit is refused (MD07). */
  deceased: boolean;
}

export type EnquiryAnswer = { outcome: 'found'; holderName: string } | { outcome: 'not_found' } | { outcome: 'closed' };

/**
 * Prints a holder name the way Vietnamese banks' name-enquiry does: upper case, no diacritics,
 * đ/Đ as D, single spaces. Written out here rather than imported: this simulates another party's
 * system, which shares no code with AnSinh.
 */
export function bankStyleName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The accounts the simulated banks and wallets know, in memory: a restart forgets them (seed again). */
@Injectable()
export class BankAccountsService {
  private readonly accounts = new Map<string, StandInAccount>();

  constructor(@Inject(BANK_STAND_IN_OPTIONS) private readonly options: BankStandInOptions) {}

  upsert(account: StandInAccount): StandInAccount {
    const stored = { ...account, holderName: bankStyleName(account.holderName) };
    this.accounts.set(`${account.institution}/${account.account}`, stored);
    return stored;
  }

  find(institution: string, account: string): StandInAccount | undefined {
    return this.accounts.get(`${institution}/${account}`);
  }

  async enquire(institution: string, account: string): Promise<EnquiryAnswer> {
    if (this.options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    const found = this.accounts.get(`${institution}/${account}`);
    if (!found) return { outcome: 'not_found' };
    if (found.status === 'closed') return { outcome: 'closed' };
    return { outcome: 'found', holderName: found.holderName };
  }
}

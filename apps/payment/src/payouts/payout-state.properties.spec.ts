import { BANK_REASON_CODE_LIST, type BankReasonCode } from '@app/contracts';
import fc from 'fast-check';
import { decideAfterFailure, type FailureCode } from '../bank-results/reason-policy';
import { nextRoute, type PayeeAccountRow } from './channel-routing';
import { canMove, instructionIdFor, isFinal, type EntitlementStatus } from './payout-state';

/**
 * A model of one entitlement's payout, driven by random sequences of bank answers, repeats, late
 * and contradictory answers, missing answers (the sweep's timeout), resends and a death notice.
 *
 * The model follows the decisions of BankResultsService, PayoutOutcomesService and the sweep of
 * PayoutRetriesService step by step, but every decision itself — the reason policy, the state
 * machine, the routing to the next account or cash, the instruction id — is the production code.
 * What it proves is that those rules, composed, never pay twice, never strand an entitlement, and
 * always end in one final state with its reason. The services' SQL is covered by payouts.e2e-spec.
 */

const MAX_SENDS = 3;
const OPEN = new Set(['sent', 'accepted', 'retry_wait']);

type AttemptStatus = 'sent' | 'accepted' | 'retry_wait' | 'settled' | 'rejected' | 'unanswered';
interface Attempt {
  instructionId: string;
  attemptNumber: number;
  channel: 'bank' | 'ewallet' | 'cash';
  accountId: string | null;
  status: AttemptStatus;
  reasonCode: FailureCode | null;
  sendCount: number;
}
type Answer = { status: 'accepted' } | { status: 'settled' } | { status: 'rejected'; reasonCode: BankReasonCode };

type Command =
  | { kind: 'answer'; pick: number; answer: Answer }
  | { kind: 'repeat'; pick: number }
  | { kind: 'no-answer' }
  | { kind: 'resend-due' }
  | { kind: 'death' };

class Payout {
  status: EntitlementStatus = 'awaiting_approval';
  paidChannel: Attempt['channel'] | null = null;
  finalReason: string | null = null;
  readonly attempts: Attempt[] = [];
  readonly delivered: Array<{ instructionId: string; answer: Answer }> = [];
  settlementsApplied = 0;
  flagged = 0;
  deceased = false;

  constructor(
    readonly entitlementId: string,
    private readonly accounts: PayeeAccountRow[],
  ) {}

  private move(to: EntitlementStatus): void {
    if (to === this.status) return;
    // PayoutLedgerService.apply refuses this with PAYMENT.ILLEGAL_TRANSITION: the answer would be dead-lettered, not applied
    if (!canMove(this.status, to)) throw new Error(`illegal move ${this.status} → ${to}`);
    this.status = to;
  }

  private plan(): Attempt {
    const route = nextRoute(this.accounts, new Set(this.attempts.flatMap((a) => (a.accountId ? [a.accountId] : []))), new Date('2026-12-01T00:00:00Z'));
    const attemptNumber = this.attempts.length === 0 ? 1 : Math.max(...this.attempts.map((a) => a.attemptNumber)) + 1;
    const attempt: Attempt = {
      instructionId: instructionIdFor(this.entitlementId, attemptNumber),
      attemptNumber,
      channel: route.channel,
      accountId: route.accountId,
      status: 'sent',
      reasonCode: null,
      sendCount: 1,
    };
    this.attempts.push(attempt);
    return attempt;
  }

  approve(): void {
    this.move('in_flight');
    this.plan();
  }

  answer(attempt: Attempt, answer: Answer): 'applied' | 'repeat' | 'flagged' {
    this.delivered.push({ instructionId: attempt.instructionId, answer });
    if (!OPEN.has(attempt.status)) {
      if (repeats(attempt, answer)) return 'repeat';
      if (attempt.status === 'unanswered' && answer.status === 'settled' && this.status === 'held') {
        this.settle(attempt);
        return 'applied';
      }
      this.flagged += 1;
      return 'flagged';
    }
    switch (answer.status) {
      case 'accepted':
        if (attempt.status !== 'sent') return 'repeat';
        attempt.status = 'accepted';
        return 'applied';
      case 'settled':
        this.settle(attempt);
        return 'applied';
      case 'rejected':
        if (attempt.status === 'retry_wait' && answer.reasonCode === attempt.reasonCode) return 'repeat';
        this.fail(attempt, answer.reasonCode);
        return 'applied';
    }
  }

  private settle(attempt: Attempt): void {
    attempt.status = 'settled';
    this.move('paid');
    this.paidChannel = attempt.channel;
    this.settlementsApplied += 1;
  }

  private fail(attempt: Attempt, code: FailureCode): void {
    const decision = decideAfterFailure({ code, sendCount: attempt.sendCount, maxSends: MAX_SENDS, channel: attempt.channel, beneficiaryDeceased: this.deceased });
    if (decision === 'retry') {
      attempt.status = 'retry_wait';
      attempt.reasonCode = code;
      return;
    }
    attempt.status = code === 'TIMEOUT' ? 'unanswered' : 'rejected';
    attempt.reasonCode = code;
    if (decision === 'hold') {
      this.move('held');
      this.finalReason = code;
      return;
    }
    this.plan();
  }

  /** The sweep: an instruction unanswered in time is sent again under its id, until the last send, then TIMEOUT. */
  noAnswer(): void {
    for (const attempt of this.attempts.filter((a) => a.status === 'sent' || a.status === 'accepted')) {
      if (attempt.sendCount < MAX_SENDS) {
        attempt.status = 'sent';
        attempt.sendCount += 1;
      } else {
        this.fail(attempt, 'TIMEOUT');
      }
    }
  }

  /** The BullMQ resend job of a technical failure: same instruction id, one more send. */
  resendDue(): void {
    for (const attempt of this.attempts.filter((a) => a.status === 'retry_wait')) {
      attempt.status = 'sent';
      attempt.sendCount += 1;
    }
  }

  open(): Attempt[] {
    return this.attempts.filter((attempt) => OPEN.has(attempt.status));
  }
}

function repeats(attempt: Attempt, answer: Answer): boolean {
  if (answer.status === 'accepted') return true;
  if (answer.status === 'settled') return attempt.status === 'settled';
  return attempt.status === 'rejected' && attempt.reasonCode === answer.reasonCode;
}

const account = (id: number, channel: 'bank' | 'ewallet', priority: number): PayeeAccountRow => ({
  account_id: `00000000-0000-7000-8000-00000000000${id}`,
  channel,
  institution_code: channel === 'bank' ? '970436' : 'MOMO',
  account_number_masked: `****000${id}`,
  priority,
  status: 'verified',
  payable_from: new Date('2026-01-01T00:00:00Z'),
  has_sealed_number: true,
});

const accounts = fc
  .array(fc.tuple(fc.constantFrom<'bank' | 'ewallet'>('bank', 'ewallet'), fc.integer({ min: 1, max: 5 })), { maxLength: 3 })
  .map((rows) => rows.map(([channel, priority], index) => account(index + 1, channel, priority)));

const answer: fc.Arbitrary<Answer> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ status: 'settled' as const }) },
  { weight: 1, arbitrary: fc.constant({ status: 'accepted' as const }) },
  { weight: 4, arbitrary: fc.constantFrom(...BANK_REASON_CODE_LIST).map((reasonCode) => ({ status: 'rejected' as const, reasonCode })) },
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('answer' as const), pick: fc.nat(), answer }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('repeat' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'no-answer' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'resend-due' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'death' as const }) },
);

/** What must hold after every step, whatever came before. */
function checkInvariants(payout: Payout): void {
  // never paid twice: at most one settlement is ever applied, and a paid entitlement has exactly one settled attempt
  expect(payout.settlementsApplied).toBeLessThanOrEqual(1);
  expect(payout.attempts.filter((a) => a.status === 'settled')).toHaveLength(payout.status === 'paid' ? 1 : 0);
  // never lost: an entitlement in flight has exactly one attempt still open; a final or held one has none
  expect(payout.open()).toHaveLength(payout.status === 'in_flight' ? 1 : 0);
  // one id per attempt, deterministic, never reused
  payout.attempts.forEach((attempt, index) => {
    expect(attempt.attemptNumber).toBe(index + 1);
    expect(attempt.instructionId).toBe(instructionIdFor(payout.entitlementId, attempt.attemptNumber));
    expect(attempt.sendCount).toBeLessThanOrEqual(MAX_SENDS);
  });
  expect(new Set(payout.attempts.map((a) => a.instructionId)).size).toBe(payout.attempts.length);
  // each account at most once, cash only as the last channel
  const accountIds = payout.attempts.flatMap((a) => (a.accountId ? [a.accountId] : []));
  expect(new Set(accountIds).size).toBe(accountIds.length);
  expect(payout.attempts.slice(0, -1).every((a) => a.channel !== 'cash')).toBe(true);
  // a state with its reason: paid with its channel, held with why
  if (payout.status === 'paid') expect(payout.paidChannel).toBe(payout.attempts.find((a) => a.status === 'settled')!.channel);
  if (payout.status === 'held') expect(payout.finalReason).not.toBeNull();
}

describe('payout state machine under random bank behaviour (model-based properties)', () => {
  it('never pays twice, never strands an entitlement, and always ends paid or held with a reason', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 7 }), accounts, fc.array(command, { maxLength: 50 }), (entitlementId, payeeAccounts, commands) => {
        const payout = new Payout(entitlementId, payeeAccounts);
        payout.approve();
        checkInvariants(payout);
        for (const step of commands) {
          if (step.kind === 'answer') {
            // mostly the open attempt, sometimes an older one (a late answer)
            const attempt = payout.attempts[payout.attempts.length - 1 - (step.pick % payout.attempts.length)];
            const before = payout.status;
            const outcome = payout.answer(attempt, step.answer);
            if (isFinal(before)) expect(outcome).not.toBe('applied');
          } else if (step.kind === 'repeat' && payout.delivered.length > 0) {
            // the institution sends an earlier answer again, under a new event id (the inbox does not catch it)
            const earlier = payout.delivered[step.pick % payout.delivered.length];
            const attempt = payout.attempts.find((a) => a.instructionId === earlier.instructionId)!;
            const statusBefore = payout.status;
            const settledBefore = payout.settlementsApplied;
            const outcome = payout.answer(attempt, earlier.answer);
            if (outcome !== 'applied') {
              expect(payout.status).toBe(statusBefore);
              expect(payout.settlementsApplied).toBe(settledBefore);
            }
          } else if (step.kind === 'no-answer') {
            payout.noAnswer();
          } else if (step.kind === 'resend-due') {
            payout.resendDue();
          } else if (step.kind === 'death') {
            payout.deceased = true;
          }
          checkInvariants(payout);
        }

        // Then the institution goes silent: resends and the sweep alone must bring every payout to rest.
        for (let round = 0; round < 2 * MAX_SENDS * (payeeAccounts.length + 2) && payout.open().length > 0; round += 1) {
          payout.resendDue();
          payout.noAnswer();
          checkInvariants(payout);
        }
        expect(payout.open()).toHaveLength(0);
        expect(['paid', 'held']).toContain(payout.status);
        expect(payout.attempts.length).toBeLessThanOrEqual(payeeAccounts.length + 1);
      }),
      { seed: 20261123, numRuns: 1_000 },
    );
  });

  it('sends a deceased beneficiary\'s failed payment to nobody else: held, not redirected', () => {
    fc.assert(
      fc.property(fc.uuid({ version: 7 }), accounts, fc.constantFrom<BankReasonCode>('AC01', 'AC04', 'AC06', 'AG01', 'BE01', 'RR04', 'NARR'), (entitlementId, payeeAccounts, code) => {
        const payout = new Payout(entitlementId, payeeAccounts);
        payout.approve();
        payout.deceased = true;
        payout.answer(payout.attempts[0], { status: 'rejected', reasonCode: code });
        expect(payout.status).toBe('held');
        expect(payout.attempts).toHaveLength(1);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});

import {
  accountChangedV1,
  accountLinkedV1,
  accountRejectedV1,
  accountVerifiedV1,
  BANK_REASON_CODES,
  beneficiaryCeasedV1,
  payoutCancelledV1,
  payoutFailedV1,
  payoutHeldV1,
  payoutSentV1,
  payoutSettledV1,
  type EventDefinition,
  type PayloadOf,
} from '@app/contracts';
import { DomainError } from '@app/platform';
import { z } from 'zod';
import { formatAmount, formatDate, formatInstantAsDate, formatPeriod, institutionLabel, lowerFirst } from './notice-formats';
import { TemplateError, type NoticeTemplates, type TemplateName, type TemplateVariables } from './notice-templates';

/** What one event asks to tell a beneficiary: a template and its values, formatted and masked already. */
export type NoticeDraft = { beneficiaryId: string } & { [TName in TemplateName]: { template: TName; variables: TemplateVariables<TName> } }[TemplateName];

type Decide<TDefinition> = (payload: PayloadOf<TDefinition>, words: NoticeTemplates) => NoticeDraft | null;

export interface NoticeRule<TPayload extends z.ZodType = z.ZodType> {
  definition: EventDefinition<TPayload>;
  decide: Decide<EventDefinition<TPayload>>;
}

function rule<TPayload extends z.ZodType>(definition: EventDefinition<TPayload>, decide: Decide<EventDefinition<TPayload>>): NoticeRule {
  return { definition, decide } as unknown as NoticeRule;
}

type PayoutPayload = PayloadOf<typeof payoutSentV1>;
type AccountPayload = PayloadOf<typeof accountLinkedV1>;

const payment = (payout: Pick<PayoutPayload, 'kind' | 'period'>, words: NoticeTemplates) => words.fragment(`payment.${payout.kind}`, { period: formatPeriod(payout.period) });
const account = (linked: Pick<AccountPayload, 'channel' | 'bankBin' | 'providerCode' | 'accountNumberMasked'>) => ({
  institution: institutionLabel({ channel: linked.channel, code: linked.bankBin ?? linked.providerCode }),
  account: linked.accountNumberMasked,
});
const payoutAccount = (payout: Pick<PayoutPayload, 'channel' | 'institutionCode' | 'accountNumberMasked'>) => ({
  institution: institutionLabel({ channel: payout.channel, code: payout.institutionCode }),
  account: payout.accountNumberMasked ?? '',
});

/** The institution's reason, worded for the beneficiary when _fragments.txt has it, else the contract's text. */
export function reasonText(code: string, words: NoticeTemplates): string {
  if (words.hasFragment(`reason.${code}`)) return words.fragment(`reason.${code}`);
  const text = (BANK_REASON_CODES as Readonly<Record<string, string>>)[code];
  if (!text) throw new DomainError('NOTIFICATION.UNKNOWN_REASON', `Mã lý do ${code} chưa có lời giải thích cho người hưởng.`, 'unprocessable');
  return lowerFirst(text);
}

/**
 * Which events become notices, and which template each uses: the one table to read for "what does a
 * beneficiary hear, and when". Deliberately silent:
 * - a failure the payment service retries on the same account (nextAction retry): technical, and the
 *   beneficiary hears when the money moves;
 * - a failure held for review: `payment.payout.held` follows it and carries the one notice.
 */
export const NOTICE_RULES: readonly NoticeRule[] = [
  rule(accountLinkedV1, (linked) => ({ beneficiaryId: linked.beneficiaryId, template: 'account-linked', variables: account(linked) })),
  rule(accountVerifiedV1, (verified) => ({
    beneficiaryId: verified.beneficiaryId,
    template: 'account-verified',
    variables: { ...account(verified), payableFrom: formatInstantAsDate(verified.payableFrom) },
  })),
  rule(accountRejectedV1, (rejected, words) => ({
    beneficiaryId: rejected.beneficiaryId,
    template: 'account-rejected',
    variables: { ...account(rejected), reason: words.fragment(`rejected.${rejected.reasonCode}`) },
  })),
  rule(accountChangedV1, (changed) => {
    const previous = account(changed.previous);
    return {
      beneficiaryId: changed.beneficiaryId,
      // published again when a supervisor approves the change early: the holder hears that too
      template: changed.approvedBy ? 'account-change-approved' : 'account-changed',
      variables: { ...account(changed), previousInstitution: previous.institution, previousAccount: previous.account, payableFrom: formatInstantAsDate(changed.payableFrom) },
    };
  }),
  rule(beneficiaryCeasedV1, (ceased, words) =>
    ceased.reasonCode === 'DECEASED'
      ? {
          beneficiaryId: ceased.beneficiaryId,
          template: 'beneficiary-ceased-deceased',
          variables: { paymentsStopFrom: formatDate(ceased.paymentsStopFrom), funeral: words.fragment(ceased.opensFuneralSupport ? 'funeral.opens' : 'funeral.none') },
        }
      : {
          beneficiaryId: ceased.beneficiaryId,
          template: 'beneficiary-ceased',
          variables: { paymentsStopFrom: formatDate(ceased.paymentsStopFrom), reason: words.fragment(`ceased.${ceased.reasonCode}`) },
        },
  ),
  rule(payoutSentV1, (sent, words) => {
    const base = { payment: payment(sent, words), amount: formatAmount(sent.amountDong) };
    if (sent.channel !== 'cash') return { beneficiaryId: sent.beneficiaryId, template: 'payout-sent', variables: { ...base, ...payoutAccount(sent) } };
    if (!sent.cashCollection) {
      throw new DomainError('NOTIFICATION.CASH_COLLECTION_MISSING', 'Lệnh chi tiền mặt thiếu nơi và thời hạn nhận tiền (cashCollection).', 'unprocessable');
    }
    return {
      beneficiaryId: sent.beneficiaryId,
      template: 'payout-sent-cash',
      variables: {
        ...base,
        place: sent.cashCollection.place,
        availableFrom: formatDate(sent.cashCollection.availableFrom),
        availableUntil: formatDate(sent.cashCollection.availableUntil),
      },
    };
  }),
  rule(payoutSettledV1, (settled, words) => {
    const base = { payment: payment(settled, words), amount: formatAmount(settled.amountDong) };
    return settled.channel === 'cash'
      ? { beneficiaryId: settled.beneficiaryId, template: 'payout-settled-cash', variables: base }
      : { beneficiaryId: settled.beneficiaryId, template: 'payout-settled', variables: { ...base, ...payoutAccount(settled) } };
  }),
  rule(payoutFailedV1, (failed, words) => {
    if (failed.nextAction === 'retry' || failed.nextAction === 'held_for_review') return null;
    const failure = words.fragment(failed.channel === 'cash' ? 'failure.cash' : 'failure.account', { ...payoutAccount(failed), reason: reasonText(failed.reasonCode, words) });
    const variables = { payment: payment(failed, words), amount: formatAmount(failed.amountDong), failure };
    return failed.nextAction === 'cash'
      ? { beneficiaryId: failed.beneficiaryId, template: 'payout-failed-cash', variables }
      : { beneficiaryId: failed.beneficiaryId, template: 'payout-failed-next-channel', variables };
  }),
  rule(payoutHeldV1, (held, words) => ({
    beneficiaryId: held.beneficiaryId,
    template: 'payout-held',
    variables: { payment: payment(held, words), amount: formatAmount(held.amountDong) },
  })),
  rule(payoutCancelledV1, (cancelled, words) => ({
    beneficiaryId: cancelled.beneficiaryId,
    template: 'payout-cancelled',
    variables: { payment: payment(cancelled, words), amount: formatAmount(cancelled.amountDong) },
  })),
];

export const NOTICE_TOPICS = NOTICE_RULES.map((noticeRule) => noticeRule.definition.topic);

export function noticeRuleFor(definition: EventDefinition): NoticeRule {
  const found = NOTICE_RULES.find((noticeRule) => noticeRule.definition === definition);
  if (!found) throw new Error(`no notice rule for ${definition.topic}`);
  return found;
}

/** Every fragment the rules can ask for exists; checked at start-up, so a missing word is not found by a beneficiary. */
export function assertVocabulary(words: NoticeTemplates): void {
  const needed = [
    ...payoutSentV1.payload.shape.kind.options.map((kind) => `payment.${kind}`),
    ...accountRejectedV1.payload.shape.reasonCode.options.map((code) => `rejected.${code}`),
    ...beneficiaryCeasedV1.payload.shape.reasonCode.options.filter((code) => code !== 'DECEASED').map((code) => `ceased.${code}`),
    'failure.account',
    'failure.cash',
    'funeral.opens',
    'funeral.none',
    ...payoutFailedV1.payload.shape.reasonCode.options.filter((code) => !(code in BANK_REASON_CODES)).map((code) => `reason.${code}`),
  ];
  const missing = needed.filter((key) => !words.hasFragment(key));
  if (missing.length) throw new TemplateError(`_fragments.txt lacks ${missing.join(', ')}`);
}

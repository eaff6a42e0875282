import { z } from 'zod';
import { accountNumberMaskedSchema } from '../../values/banks';
import { dongSchema } from '../../values/money';
import { institutionCodeSchema, PAYOUT_CHANNELS } from '../../values/paying-institution';
import { defineEvent } from '../event-definition';
import { BANK_REASON_CODE_LIST } from './bank-reason-codes';

/** What every payout event says about the money and the person it is owed to. Key: entitlementId. */
const payoutFields = {
  entitlementId: z.uuid(),
  beneficiaryId: z.uuid(),
  cycleId: z.uuid().nullable(),
  programmeCode: z.string().regex(/^[A-Z0-9_]{2,40}$/),
  /** The month the money is for (YYYY-MM). */
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  kind: z.enum(['monthly', 'arrears', 'funeral']),
  amountDong: dongSchema,
  provinceCode: z.string().regex(/^\d{2}$/),
  communeCode: z.string().regex(/^\d{5}$/),
};

const attemptFields = {
  instructionId: z.uuid(),
  /** 1 for the first channel tried, 2 for the next, … */
  attemptNumber: z.number().int().min(1).max(20),
  channel: z.enum(PAYOUT_CHANNELS),
  institutionCode: institutionCodeSchema,
  /** Null for cash. */
  accountNumberMasked: accountNumberMaskedSchema.nullable(),
};

/** Where and until when cash waits at the post office. */
export const cashCollectionSchema = z
  .object({
    place: z.string().min(1).max(200),
    availableFrom: z.iso.date(),
    availableUntil: z.iso.date(),
  })
  .strict();

export const PAYOUT_NEXT_ACTIONS = ['retry', 'next_channel', 'cash', 'held_for_review'] as const;

export const payoutSentV1 = defineEvent({
  context: 'payment',
  entity: 'payout',
  event: 'sent',
  version: 1,
  description:
    'An approved payout was handed to a paying institution (bank, e-wallet, or the post office for cash). For cash, ' +
    '`cashCollection` says where and until when the beneficiary can collect it. Key: entitlementId.',
  payload: z
    .object({ ...payoutFields, ...attemptFields, cashCollection: cashCollectionSchema.nullable(), sentAt: z.iso.datetime({ offset: true }) })
    .strict(),
});

export const payoutSettledV1 = defineEvent({
  context: 'payment',
  entity: 'payout',
  event: 'settled',
  version: 1,
  description: 'The institution confirmed the money reached the beneficiary (credited, or cash handed over). Final. Key: entitlementId.',
  payload: z
    .object({ ...payoutFields, ...attemptFields, bankReference: z.string().max(64).nullable(), settledAt: z.iso.datetime({ offset: true }) })
    .strict(),
});

export const payoutFailedV1 = defineEvent({
  context: 'payment',
  entity: 'payout',
  event: 'failed',
  version: 1,
  description:
    'An attempt failed; `nextAction` says what AnSinh does next: retry the same instruction later, try the next ' +
    'linked channel, pay cash at the post office, or hold for an officer\'s review (e.g. account holder deceased). ' +
    'Key: entitlementId.',
  payload: z
    .object({
      ...payoutFields,
      ...attemptFields,
      reasonCode: z.enum([...BANK_REASON_CODE_LIST, 'TIMEOUT']),
      nextAction: z.enum(PAYOUT_NEXT_ACTIONS),
      failedAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});

export const payoutHeldV1 = defineEvent({
  context: 'payment',
  entity: 'payout',
  event: 'held',
  version: 1,
  description: 'The payout is held for review and will not be sent until an officer decides. Key: entitlementId.',
  payload: z.object({ ...payoutFields, reasonCode: z.string().regex(/^[A-Z0-9_]{2,40}$/), heldAt: z.iso.datetime({ offset: true }) }).strict(),
});

export const payoutCancelledV1 = defineEvent({
  context: 'payment',
  entity: 'payout',
  event: 'cancelled',
  version: 1,
  description: 'The payout will not be made, for the reason given (e.g. the beneficiary ceased before it was sent). Final. Key: entitlementId.',
  payload: z
    .object({ ...payoutFields, reasonCode: z.string().regex(/^[A-Z0-9_]{2,40}$/), cancelledBy: z.string().min(1).max(120), cancelledAt: z.iso.datetime({ offset: true }) })
    .strict(),
});

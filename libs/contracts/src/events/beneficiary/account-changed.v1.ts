import { z } from 'zod';
import { accountNumberMaskedSchema, ewalletProviderCodeSchema, PAYMENT_CHANNELS } from '../../values/banks';
import { bankBinSchema } from '../../values/bank';
import { defineEvent } from '../event-definition';
import { accountNumberSealedSchema, INSTITUTION_MISMATCH, institutionMatchesChannel, paymentAccountFields } from './payment-account';

export const accountChangedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'account',
  event: 'changed',
  version: 1,
  description:
    'A verified account was replaced by another one at the same priority. The previous account is no longer paid; ' +
    'the new one is paid only once verified and from `payableFrom`: the end of the cool-off, or the time a ' +
    'supervisor approved the change (published again then, with `approvedBy`). Until then payment uses the next ' +
    'channel. This event is also the notice to the previous account\'s holder. Key: beneficiaryId.',
  payload: z
    .object({
      ...paymentAccountFields,
      status: z.enum(['pending_verification', 'pending_manual_check', 'verified', 'mismatch_review']),
      previous: z
        .object({
          accountId: z.uuid(),
          channel: z.enum(PAYMENT_CHANNELS),
          bankBin: bankBinSchema.nullable(),
          providerCode: ewalletProviderCodeSchema.nullable(),
          accountNumberMasked: accountNumberMaskedSchema,
        })
        .strict(),
      payableFrom: z.iso.datetime({ offset: true }),
      changedBy: z.string().min(1).max(120),
      changedAt: z.iso.datetime({ offset: true }),
      approvedBy: z.string().min(1).max(120).nullable(),
      approvedAt: z.iso.datetime({ offset: true }).nullable(),
      accountNumberSealed: accountNumberSealedSchema.optional(),
    })
    .strict()
    .refine(institutionMatchesChannel, INSTITUTION_MISMATCH),
});

import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { accountNumberSealedSchema, accountVerificationSchema, INSTITUTION_MISMATCH, institutionMatchesChannel, paymentAccountFields } from './payment-account';

export const accountVerifiedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'account',
  event: 'verified',
  version: 1,
  description:
    'The account is confirmed to be the beneficiary\'s: the bank\'s name-enquiry matched the registry name (folded: ' +
    'case, diacritics, đ/Đ, spacing, word order, one typo), or a supervisor confirmed it by hand. Payments may use it ' +
    'from `payableFrom` (later than now while a change is in its cool-off). Key: beneficiaryId.',
  payload: z
    .object({
      ...paymentAccountFields,
      verification: accountVerificationSchema,
      verifiedBy: z.string().min(1).max(120),
      verifiedAt: z.iso.datetime({ offset: true }),
      payableFrom: z.iso.datetime({ offset: true }),
      accountNumberSealed: accountNumberSealedSchema.optional(),
    })
    .strict()
    .refine(institutionMatchesChannel, INSTITUTION_MISMATCH),
});

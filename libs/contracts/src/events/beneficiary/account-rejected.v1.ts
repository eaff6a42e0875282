import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { accountVerificationSchema, INSTITUTION_MISMATCH, institutionMatchesChannel, paymentAccountFields } from './payment-account';

export const accountRejectedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'account',
  event: 'rejected',
  version: 1,
  description:
    'The account will never be paid: the bank does not know it or it is closed, or a supervisor rejected it after a ' +
    'name mismatch or a manual check. Payment continues on the next channel (ultimately cash at the post office). ' +
    'Key: beneficiaryId.',
  payload: z
    .object({
      ...paymentAccountFields,
      reasonCode: z.enum(['ACCOUNT_NOT_FOUND', 'ACCOUNT_CLOSED', 'NAME_MISMATCH', 'MANUAL_CHECK_FAILED']),
      verification: accountVerificationSchema,
      rejectedBy: z.string().min(1).max(120),
      rejectedAt: z.iso.datetime({ offset: true }),
    })
    .strict()
    .refine(institutionMatchesChannel, INSTITUTION_MISMATCH),
});

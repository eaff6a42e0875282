import { z } from 'zod';
import { defineEvent } from '../event-definition';
import { CONSENT_METHODS, INSTITUTION_MISMATCH, institutionMatchesChannel, paymentAccountFields } from './payment-account';

export const accountLinkedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'account',
  event: 'linked',
  version: 1,
  description:
    'A bank or e-wallet account was linked to a beneficiary, with the beneficiary\'s recorded consent. It is not payable ' +
    'until verified (see beneficiary.account.verified). A replacement of an account is published as ' +
    'beneficiary.account.changed instead. The account number is masked (last four digits). Key: beneficiaryId.',
  payload: z
    .object({
      ...paymentAccountFields,
      status: z.enum(['pending_verification', 'pending_manual_check']),
      consent: z
        .object({ method: z.enum(CONSENT_METHODS), recordedBy: z.string().min(1).max(120), at: z.iso.datetime({ offset: true }) })
        .strict(),
      linkedBy: z.string().min(1).max(120),
      linkedAt: z.iso.datetime({ offset: true }),
    })
    .strict()
    .refine(institutionMatchesChannel, INSTITUTION_MISMATCH),
});

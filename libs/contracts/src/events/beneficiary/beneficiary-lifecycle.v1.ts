import { z } from 'zod';
import { defineEvent } from '../event-definition';

const statusChange = {
  beneficiaryId: z.uuid(),
  programmeCode: z.string().regex(/^[A-Z0-9_]{2,40}$/),
  provinceCode: z.string().regex(/^\d{2}$/),
  communeCode: z.string().regex(/^\d{5}$/),
  reasonCode: z.string().regex(/^[A-Z_]{2,60}$/),
  changedBy: z.string().min(1).max(120),
  changedAt: z.iso.datetime({ offset: true }),
};

export const beneficiaryVerifiedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'beneficiary',
  event: 'verified',
  version: 1,
  description: 'Identity confirmed (population registry or an officer); the beneficiary is active and may be paid. Key: beneficiaryId.',
  payload: z.object({ ...statusChange, verifiedBy: z.enum(['population_registry', 'officer']) }).strict(),
});

export const beneficiarySuspendedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'beneficiary',
  event: 'suspended',
  version: 1,
  description: 'Payments are paused (e.g. under review) without ending eligibility. Key: beneficiaryId.',
  payload: z.object(statusChange).strict(),
});

export const beneficiaryReinstatedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'beneficiary',
  event: 'reinstated',
  version: 1,
  description: 'A suspended beneficiary is active again. Key: beneficiaryId.',
  payload: z.object(statusChange).strict(),
});

export const beneficiaryCeasedV1 = defineEvent({
  context: 'beneficiary',
  entity: 'beneficiary',
  event: 'ceased',
  version: 1,
  description:
    'Eligibility ended (death, ineligibility, moving away, or a confirmed duplicate). Payment ceases from ' +
    '`paymentsStopFrom`, the first day of the month after `effectiveDate` (Decree 20/2021/NĐ-CP Art. 8(2)); ' +
    'a death opens the one-off funeral support. Key: beneficiaryId.',
  payload: z
    .object({
      ...statusChange,
      reasonCode: z.enum(['DECEASED', 'INELIGIBLE', 'MOVED', 'DUPLICATE']),
      effectiveDate: z.iso.date(),
      paymentsStopFrom: z.iso.date(),
      opensFuneralSupport: z.boolean(),
    })
    .strict(),
});

import { z } from 'zod';
import { communeCodeSchema, legacyDistrictCodeSchema, provinceCodeSchema } from '../../values/admin-unit';
import { cccdSchema } from '../../values/cccd';
import { defineEvent } from '../event-definition';

export const beneficiaryRegisteredV1 = defineEvent({
  context: 'beneficiary',
  entity: 'beneficiary',
  event: 'registered',
  version: 1,
  description:
    'A beneficiary was entered in the registry of a programme. Carries what payment needs to compute ' +
    'entitlements and what notification needs to reach the person. Key: beneficiaryId.',
  payload: z
    .object({
      beneficiaryId: z.uuid(),
      cccd: cccdSchema,
      fullName: z.string().min(1).max(200),
      dateOfBirth: z.iso.date(),
      gender: z.enum(['male', 'female']),
      phone: z.string().regex(/^0\d{9}$/).nullable(),
      provinceCode: provinceCodeSchema,
      communeCode: communeCodeSchema,
      legacyDistrictCode: legacyDistrictCodeSchema.nullable(),
      programmeCode: z.string().regex(/^[A-Z0-9_]{2,40}$/),
      categoryCode: z.string().regex(/^[A-Z0-9_]{2,40}$/),
      status: z.enum(['pending_verification', 'active']),
      registeredAt: z.iso.datetime({ offset: true }),
      /**
       * The person's own choice of how to be paid, recorded at registration: `cash` means they asked to
       * collect cash at the post office even if an account is linked. Optional (added to v1): absent
       * means `account`, paid into a verified account when there is one. Coverage reports "chose cash".
       */
      paymentPreference: z.enum(['account', 'cash']).optional(),
    })
    .strict(),
});

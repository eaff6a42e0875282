import { parseConfig, platformConfigSchema } from '@app/platform';
import { z } from 'zod';

export const beneficiaryConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
});

export type BeneficiaryConfig = z.infer<typeof beneficiaryConfigSchema>;

export const loadBeneficiaryConfig = (): BeneficiaryConfig => parseConfig(beneficiaryConfigSchema, process.env);

import { parseConfig, platformConfigSchema } from '@app/platform';
import { z } from 'zod';

export const beneficiaryConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  POPULATION_REGISTRY_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4020'),
  POPULATION_REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // how often registrations never checked against the registry are looked for and queued
  IDENTITY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
  DEATH_FEED_INTERVAL_MS: z.coerce.number().int().min(200).max(86_400_000).default(60_000),
});

export type BeneficiaryConfig = z.infer<typeof beneficiaryConfigSchema>;

export const loadBeneficiaryConfig = (): BeneficiaryConfig => parseConfig(beneficiaryConfigSchema, process.env);

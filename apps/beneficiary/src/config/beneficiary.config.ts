import { isBase64Key32, parseConfig, platformConfigSchema, type PlatformConfig } from '@app/platform';
import { z } from 'zod';
import { importsConfigShape } from './imports.config';

export const beneficiaryConfigSchema = platformConfigSchema.extend({
  ...importsConfigShape,
  PORT: z.coerce.number().int().min(1).max(65_535).default(3001),
  POPULATION_REGISTRY_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4020'),
  POPULATION_REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // how often registrations never checked against the registry are looked for and queued
  IDENTITY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(10_000),
  DEATH_FEED_INTERVAL_MS: z.coerce.number().int().min(200).max(86_400_000).default(60_000),
  // AES-256-GCM key for account numbers at rest (fingerprints use a key derived from it); no default: a
  // key that ships with the code protects nothing. Generate one with `openssl rand -base64 32`.
  ACCOUNT_ENCRYPTION_KEY: z.string().refine(isBase64Key32, 'must be base64 of exactly 32 random bytes (openssl rand -base64 32)'),
  // shared with the payment service only: account numbers travel in account events sealed under it
  ACCOUNT_TRANSPORT_KEY: z.string().refine(isBase64Key32, 'must be base64 of exactly 32 random bytes (openssl rand -base64 32)'),
  // banks' name-enquiry; in development and tests the stand-in bank (stand-ins/bank)
  BANK_STAND_IN_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4010'),
  BANK_NAME_ENQUIRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // a replaced account is paid only after this many hours, unless a supervisor approves the change
  ACCOUNT_CHANGE_COOL_OFF_HOURS: z.coerce.number().int().min(0).max(720).default(72),
  // how often accounts whose verification was never queued (or gave up) are looked for and queued
  ACCOUNT_VERIFICATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).max(3_600_000).default(60_000),
});

export type BeneficiaryConfig = z.infer<typeof beneficiaryConfigSchema>;

export const loadBeneficiaryConfig = (): BeneficiaryConfig => parseConfig(beneficiaryConfigSchema, process.env);

/** Migrations need the database, not the service's keys: they read only the shared configuration. */
export const loadMigrationConfig = (): PlatformConfig => parseConfig(platformConfigSchema, process.env);

import { isBase64Key32, parseConfig, platformConfigSchema, type PlatformConfig } from '@app/platform';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { z } from 'zod';

const base64Der = (type: 'pkcs8' | 'spki') =>
  z.string().refine((value) => {
    try {
      const key = Buffer.from(value, 'base64');
      (type === 'pkcs8' ? createPrivateKey({ key, format: 'der', type }) : createPublicKey({ key, format: 'der', type })).export({ format: 'der', type });
      return true;
    } catch {
      return false;
    }
  }, `must be base64 of a DER ${type === 'pkcs8' ? 'PKCS#8 private' : 'SPKI public'} key`);

export const paymentConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3002),
  // shared with the beneficiary service only: opens the account numbers its events carry sealed
  ACCOUNT_TRANSPORT_KEY: z.string().refine(isBase64Key32, 'must be base64 of exactly 32 random bytes (openssl rand -base64 32)'),
  // Ed25519 key that signs every instruction; banks verify with its public key (docs/banks.md)
  INSTRUCTION_SIGNING_KEY: base64Der('pkcs8'),
  INSTRUCTION_SIGNING_KEY_ID: z.string().regex(/^[\w.-]{1,64}$/).default('ansinh-1'),
  // institution code (or "*") → base64 SPKI Ed25519 key: results from an institution with a key must be signed by it
  BANK_RESULT_PUBLIC_KEYS: z
    .string()
    .default('{}')
    .transform((value, context) => {
      try {
        return z.record(z.string().regex(/^(\*|\d{6}|[A-Z0-9_]{2,30})$/), base64Der('spki')).parse(JSON.parse(value));
      } catch {
        context.addIssue({ code: 'custom', message: 'must be a JSON object {"<institution code or *>": "<base64 SPKI Ed25519 key>"}' });
        return z.NEVER;
      }
    }),
  // how many times one instruction id is sent before a technical failure counts as a refusal of that account
  PAYOUT_MAX_SENDS: z.coerce.number().int().min(1).max(10).default(4),
  PAYOUT_RETRY_BASE_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  PAYOUT_RETRY_CAP_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  // no answer from the institution within this time: the same instruction is sent again
  PAYOUT_RESULT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(900_000),
  PAYOUT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  CASH_COLLECTION_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  // after the collection window, how long the post office has to send its final report before the payout is held
  CASH_REPORT_GRACE_HOURS: z.coerce.number().int().min(0).max(720).default(48),
  // monthly cycles are generated for every programme and province with payees (cron, Vietnam time)
  CYCLE_SCHEDULE_CRON: z.string().min(9).default('0 6 1 * *'),
  CYCLE_SCHEDULE_ENABLED: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  // the paying account of the welfare department, written as the debtor of pain.001 files
  PAYER_NAME: z.string().min(1).max(140).default('So Lao dong - Thuong binh va Xa hoi'),
  PAYER_ACCOUNT_NUMBER: z.string().regex(/^\d{6,19}$/).default('3761000000001'),
  PAYER_AGENT_BIN: z.string().regex(/^\d{6}$/).default('970405'),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export const loadPaymentConfig = (): PaymentConfig => parseConfig(paymentConfigSchema, process.env);

/** Migrations need the database, not the service's keys: they read only the shared configuration. */
export const loadMigrationConfig = (): PlatformConfig => parseConfig(platformConfigSchema, process.env);

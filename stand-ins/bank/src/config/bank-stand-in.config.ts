import { BANK_REASON_CODE_LIST, institutionCodeSchema, PAYING_INSTITUTIONS } from '@app/contracts';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

const booleanFromString = z.enum(['true', 'false']).transform((value) => value === 'true');

const derKey = (type: 'pkcs8' | 'spki') =>
  z.string().transform((value, context): KeyObject => {
    try {
      const key = Buffer.from(value, 'base64');
      return type === 'pkcs8' ? createPrivateKey({ key, format: 'der', type }) : createPublicKey({ key, format: 'der', type });
    } catch {
      context.addIssue({ code: 'custom', message: `must be base64 of a DER ${type === 'pkcs8' ? 'PKCS#8 private' : 'SPKI public'} Ed25519 key` });
      return z.NEVER;
    }
  });

const probability = z.number().min(0).max(1);

/** Random reasons by code, e.g. {"TECH":0.1,"AC04":0.02}: each message draws at most one. */
export const reasonRatesSchema = z.partialRecord(z.enum(BANK_REASON_CODE_LIST), probability);

const jsonOf = <T extends z.ZodType>(schema: T, example: string) =>
  z.string().transform((value, context): z.infer<T> => {
    try {
      return schema.parse(JSON.parse(value));
    } catch {
      context.addIssue({ code: 'custom', message: `must be JSON like ${example}` });
      return z.NEVER;
    }
  });

/**
 * The simulator's environment. Everything under "simulation" can also be changed at run time with
 * POST /control; the rest is fixed for the life of the process.
 */
export const bankStandInConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4010),
    // loopback unless told otherwise (no authentication); a container sets 0.0.0.0 for its neighbours
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    // name-enquiry only: delay before every answer
    BANK_STAND_IN_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    // a JSON array of { institution, account, holderName, status?, deceased? } to start with
    BANK_STAND_IN_SEED_FILE: z.string().optional(),

    // The Kafka side: an institution reading its instructions and answering them.
    BANK_STAND_IN_KAFKA_ENABLED: booleanFromString.default(true),
    KAFKA_BROKERS: z
      .string()
      .default('127.0.0.1:9092')
      .transform((value) => value.split(',').map((broker) => broker.trim()))
      .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'each broker must be host:port')).min(1)),
    // comma-separated codes the simulator plays (BIN, e-wallet code, VNPOST); default: every paying institution
    BANK_STAND_IN_INSTITUTIONS: z
      .string()
      .default(PAYING_INSTITUTIONS.map((institution) => institution.code).join(','))
      .transform((value) => [...new Set(value.split(',').map((code) => code.trim()).filter(Boolean))])
      .pipe(z.array(institutionCodeSchema).min(1)),
    BANK_STAND_IN_CONSUMER_GROUP: z.string().regex(/^[\w.-]{1,100}$/).default('bank-stand-in'),
    // Tests sharing one broker: answer only instructions for creditors in these communes (comma-separated
    // codes; empty: all), and none published before this process started (older runs' instructions).
    BANK_STAND_IN_COMMUNES: z
      .string()
      .default('')
      .transform((value) => value.split(',').map((code) => code.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^\d{5}$/, 'each commune must be a 5-digit code'))),
    BANK_STAND_IN_SKIP_EARLIER: booleanFromString.default(false),
    KAFKA_CONSUMER_GROUP_SUFFIX: z.string().regex(/^[\w.-]{0,60}$/).default(''),
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
    BANK_STAND_IN_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
    // AnSinh's public key (base64 SPKI DER): instructions that do not verify against it are refused
    ANSINH_INSTRUCTION_PUBLIC_KEY: derKey('spki').optional(),
    // the simulated institutions' key (base64 PKCS#8 DER) that signs every result
    BANK_STAND_IN_SIGNING_KEY: derKey('pkcs8').optional(),
    BANK_STAND_IN_KEY_ID: z.string().regex(/^[\w.-]{1,64}$/).default('bank-stand-in-1'),

    // simulation
    BANK_STAND_IN_MODE: z.enum(['strict', 'naive']).default('strict'),
    BANK_STAND_IN_RESULT_LATENCY_MIN_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    BANK_STAND_IN_RESULT_LATENCY_MAX_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    BANK_STAND_IN_RANDOM_SEED: z.coerce.number().int().min(0).max(0xffff_ffff).default(20_240_701),
    BANK_STAND_IN_RATES: jsonOf(reasonRatesSchema, '{"TECH":0.1,"AC04":0.02}').default({}),
    BANK_STAND_IN_NO_ANSWER_RATE: z.coerce.number().pipe(probability).default(0),
    BANK_STAND_IN_DROP_RATE: z.coerce.number().pipe(probability).default(0),
    BANK_STAND_IN_ACCEPTED_FIRST: booleanFromString.default(false),
    BANK_STAND_IN_ACCEPT_UNKNOWN_ACCOUNTS: booleanFromString.default(false),
  })
  .superRefine((config, context) => {
    if (config.BANK_STAND_IN_RESULT_LATENCY_MIN_MS > config.BANK_STAND_IN_RESULT_LATENCY_MAX_MS) {
      context.addIssue({ code: 'custom', path: ['BANK_STAND_IN_RESULT_LATENCY_MAX_MS'], message: 'must be at least BANK_STAND_IN_RESULT_LATENCY_MIN_MS' });
    }
    const total = Object.values(config.BANK_STAND_IN_RATES).reduce((sum, rate) => sum + (rate ?? 0), 0) + config.BANK_STAND_IN_NO_ANSWER_RATE + config.BANK_STAND_IN_DROP_RATE;
    if (total > 1) context.addIssue({ code: 'custom', path: ['BANK_STAND_IN_RATES'], message: `rates, no-answer and drop rates add up to ${total}, more than 1` });
    if (config.BANK_STAND_IN_KAFKA_ENABLED) {
      for (const key of ['ANSINH_INSTRUCTION_PUBLIC_KEY', 'BANK_STAND_IN_SIGNING_KEY'] as const) {
        if (!config[key]) context.addIssue({ code: 'custom', path: [key], message: 'is required when BANK_STAND_IN_KAFKA_ENABLED is true' });
      }
    }
  });

export type BankStandInConfig = z.infer<typeof bankStandInConfigSchema>;

/** Reads the environment once, listing every bad variable rather than the first. */
export function loadBankStandInConfig(env: Record<string, string | undefined> = process.env): BankStandInConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = bankStandInConfigSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new Error(`bank stand-in: invalid configuration:\n${problems.join('\n')}`);
}

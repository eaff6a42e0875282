import { z } from 'zod';

const booleanFromString = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Variables every AnSinh service reads. Each app extends this schema with its own; the result is
 * parsed once at boot and the service refuses to start, listing every bad variable, if it fails.
 */
export const platformConfigSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (tokens are HMAC-SHA256 signed)'),
  KAFKA_BROKERS: z
    .string()
    .min(1, 'must list at least one broker, e.g. 127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'each broker must be host:port'))),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(3),
  KAFKA_CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  // How long a crashed consumer keeps its partitions before the group hands them to another member.
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  // Appended to the service's consumer group: two deployments (or test runs) sharing one broker keep apart.
  KAFKA_CONSUMER_GROUP_SUFFIX: z.string().regex(/^[\w.-]{0,60}$/).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFromString.default(false),
  // Namespace of this deployment's BullMQ keys in Redis, so two environments can share one Redis.
  QUEUE_PREFIX: z.string().regex(/^[\w-]{1,40}$/).default('ansinh'),
  // Rows per relay transaction (they leave in produce requests of ≤ 900 kB). 5,000 was tried: in the 20,000-payee cycle
  // it made approvals twice as slow and the run 2.5× longer (docs/benchmarks.md), so 500 stays.
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(5).max(60_000).default(100),
  // Outbox and inbox rows are deleted after this many days. An inbox row is how a redelivered event is
  // recognised, so this must outlast the broker's retention of the topics (7 days, Kafka's default):
  // a replay from further back than that is impossible.
  MESSAGING_RETENTION_DAYS: z.coerce.number().int().min(8).max(3_650).default(30),
  MESSAGING_PRUNE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Parses the environment against a schema, collecting every problem rather than stopping at the first. */
export function parseConfig<TSchema extends z.ZodType>(schema: TSchema, env: Record<string, string | undefined>): z.infer<TSchema> {
  const emptyAsMissing = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(emptyAsMissing);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
    return `${variable}: ${message}`;
  });
  throw new ConfigValidationError(problems);
}

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

import { parseConfig, platformConfigSchema } from '@app/platform';
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ });
const perSecond = z.coerce.number().int().min(1).max(100_000);
const milliseconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const notificationConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3003),

  // Defaults point at the local stand-ins (stand-ins/messaging-providers) so a development machine
  // runs without setup; production sets every URL and credential explicitly.
  EMAIL_FROM: z.string().min(3).max(200).default('"AnSinh - Thông báo an sinh xã hội" <thongbao@ansinh.gov.vn>'),
  // nodemailer pool size: SMTP relays limit concurrent connections per client
  EMAIL_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(50).default(5),
  EMAIL_RATE_PER_SECOND: perSecond.default(20),
  SMS_BRANDNAME: z.string().regex(/^[A-Za-z0-9 ._-]{1,11}$/, 'brandnames are at most 11 Latin characters').default('ANSINH'),
  SMS_GATEWAY_API_KEY: z.string().min(8).default('dev-sms-gateway-key'),
  SMS_GATEWAY_URL: httpUrl.default('http://127.0.0.1:4030'),
  // contracted throughput of the SMS brandname gateway; the worker never exceeds it
  SMS_RATE_PER_SECOND: perSecond.default(50),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:4025'),
  ZALO_OA_ACCESS_TOKEN: z.string().min(8).default('dev-zalo-oa-access-token'),
  ZALO_OA_URL: httpUrl.default('http://127.0.0.1:4030'),
  ZALO_RATE_PER_SECOND: perSecond.default(50),

  // attempts per notice and channel before falling back to the next channel; delays double from the base
  NOTICE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  NOTICE_BACKOFF_MS: milliseconds(10, 3_600_000).default(2_000),
  // jobs each provider's worker runs at once (each waits on the provider's answer)
  NOTICE_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32),
  // a worker that stops renewing its lock this long is presumed dead and its job runs again
  NOTICE_LOCK_DURATION_MS: milliseconds(500, 600_000).default(30_000),
  // how often notices without a final state are looked for (lost jobs, recipients that became known)
  NOTICE_SWEEP_INTERVAL_MS: milliseconds(100, 3_600_000).default(5_000),
  // a notice untouched this long while not final is queued again; must exceed the longest backoff
  NOTICE_STALL_AFTER_MS: milliseconds(100, 86_400_000).default(600_000),
  PROVIDER_TIMEOUT_MS: milliseconds(100, 120_000).default(10_000),
}).refine(
  // Otherwise the sweeper would queue again a notice that is only waiting out its backoff.
  (config) => config.NOTICE_STALL_AFTER_MS > config.NOTICE_BACKOFF_MS * 2 ** (config.NOTICE_MAX_ATTEMPTS - 1) + config.PROVIDER_TIMEOUT_MS,
  { path: ['NOTICE_STALL_AFTER_MS'], message: 'must exceed the longest backoff (NOTICE_BACKOFF_MS × 2^(NOTICE_MAX_ATTEMPTS−1)) plus PROVIDER_TIMEOUT_MS' },
);

export type NotificationConfig = z.infer<typeof notificationConfigSchema>;

export const loadNotificationConfig = (): NotificationConfig => parseConfig(notificationConfigSchema, process.env);

import { parseConfig, platformConfigSchema } from '@app/platform';
import { z } from 'zod';

export const paymentConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3002),
});

export type PaymentConfig = z.infer<typeof paymentConfigSchema>;

export const loadPaymentConfig = (): PaymentConfig => parseConfig(paymentConfigSchema, process.env);

import { parseConfig, platformConfigSchema } from '@app/platform';
import { z } from 'zod';

export const notificationConfigSchema = platformConfigSchema.extend({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3003),
});

export type NotificationConfig = z.infer<typeof notificationConfigSchema>;

export const loadNotificationConfig = (): NotificationConfig => parseConfig(notificationConfigSchema, process.env);

import { runMigrationsCommand } from '@app/platform';
import { loadNotificationConfig } from './config/notification.config';
import { NOTIFICATION_ENTITIES, NOTIFICATION_MIGRATIONS, NOTIFICATION_SCHEMA } from './database/notification-database';

// Applies the service's pending migrations; run as its own step before the service starts.
runMigrationsCommand({
  service: 'notification',
  loadConfig: loadNotificationConfig,
  schema: NOTIFICATION_SCHEMA,
  entities: NOTIFICATION_ENTITIES,
  migrations: NOTIFICATION_MIGRATIONS,
});

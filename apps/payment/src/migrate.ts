import { runMigrationsCommand } from '@app/platform';
import { loadMigrationConfig } from './config/payment.config';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } from './database/payment-database';

// Applies the service's pending migrations; run as its own step before the service starts. It needs
// the database, not the service's keys, so it reads only the shared configuration.
runMigrationsCommand({
  service: 'payment',
  loadConfig: loadMigrationConfig,
  schema: PAYMENT_SCHEMA,
  entities: PAYMENT_ENTITIES,
  migrations: PAYMENT_MIGRATIONS,
});

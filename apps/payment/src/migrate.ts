import { runMigrationsCommand } from '@app/platform';
import { loadPaymentConfig } from './config/payment.config';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } from './database/payment-database';

// Applies the service's pending migrations; run as its own step before the service starts.
runMigrationsCommand({
  service: 'payment',
  loadConfig: loadPaymentConfig,
  schema: PAYMENT_SCHEMA,
  entities: PAYMENT_ENTITIES,
  migrations: PAYMENT_MIGRATIONS,
});

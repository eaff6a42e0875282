import { runMigrationsCommand } from '@app/platform';
import { loadMigrationConfig } from './config/beneficiary.config';
import { BENEFICIARY_ENTITIES, BENEFICIARY_MIGRATIONS, BENEFICIARY_SCHEMA } from './database/beneficiary-database';

// Applies the service's pending migrations; run as its own step before the service starts.
runMigrationsCommand({
  service: 'beneficiary',
  loadConfig: loadMigrationConfig,
  schema: BENEFICIARY_SCHEMA,
  entities: BENEFICIARY_ENTITIES,
  migrations: BENEFICIARY_MIGRATIONS,
});

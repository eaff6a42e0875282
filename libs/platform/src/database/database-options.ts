import { DataSource, type DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';

export type EntityList = NonNullable<DataSourceOptions['entities']>;
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

export interface DatabaseOptions {
  url: string;
  schema: string;
  poolSize: number;
  entities: EntityList;
  migrations: MigrationList;
  applicationName: string;
}

/** One schema per service, schema changes only through migrations (never synchronize). */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    applicationName: options.applicationName,
    extra: { max: options.poolSize, connectionTimeoutMillis: 5_000 },
  };
}

/** Applies pending migrations. The schema must exist before TypeORM can create its migrations table in it. */
export async function runMigrations(options: DatabaseOptions): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions({ ...options, poolSize: 1 }));
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** PostgreSQL SQLSTATE classes that mean "the database is unreachable or overloaded", not "this input is wrong". */
const INFRASTRUCTURE_SQLSTATE = /^(08|53|57P|58)/;
const INFRASTRUCTURE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const candidate = error as Error & { code?: string; driverError?: { code?: string }; cause?: unknown };
  const code = candidate.driverError?.code ?? candidate.code;
  if (code && (INFRASTRUCTURE_SQLSTATE.test(code) || INFRASTRUCTURE_NODE_CODES.has(code))) return true;
  if (/Connection terminated|connection timeout|Client has encountered a connection error|KafkaJS|timeout exceeded when trying to connect/i.test(error.message)) return true;
  return candidate.cause !== undefined && isInfrastructureError(candidate.cause);
}

/** SQLSTATE 23505: a unique constraint refused a row. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })?.driverError;
  return driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}

/** Body of each service's `migrate` command: applies pending migrations, prints what it did, exits non-zero on failure. */
export function runMigrationsCommand(spec: {
  service: string;
  loadConfig: () => { DATABASE_URL: string };
  schema: string;
  entities: EntityList;
  migrations: MigrationList;
}): void {
  Promise.resolve()
    .then(() =>
      runMigrations({
        url: spec.loadConfig().DATABASE_URL,
        schema: spec.schema,
        poolSize: 1,
        entities: spec.entities,
        migrations: spec.migrations,
        applicationName: `${spec.service}-migrate`,
      }),
    )
    .then((applied) => console.log(`${spec.service}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}`))
    .catch((error) => {
      console.error(`${spec.service}: migration failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    });
}

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, TEST_ENV } from './test-env';

const ROOT = path.resolve(__dirname, '../..');

/** A fresh test database per run, migrated the way production is: by each service's own migrate command. */
export default async function globalSetup(): Promise<void> {
  const database = new URL(TEST_ENV.DATABASE_URL).pathname.slice(1);
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  for (const service of ['beneficiary', 'payment', 'notification']) {
    execFileSync(process.execPath, [path.join(ROOT, `dist/apps/${service}/apps/${service}/src/migrate.js`)], {
      env: { PATH: process.env.PATH ?? '', ...TEST_ENV },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}

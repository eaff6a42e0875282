import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { BankAccountsService, type StandInAccount } from './bank-accounts.service';
import { BankStandInModule } from './bank-stand-in.module';

// No authentication: it listens on loopback only and holds made-up accounts.
const config = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4010),
    BANK_STAND_IN_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    // a JSON array of { institution, account, holderName, status } to start with
    BANK_STAND_IN_SEED_FILE: z.string().optional(),
  })
  .parse(process.env);

async function main() {
  const app = await NestFactory.create(BankStandInModule.forRoot({ latencyMs: config.BANK_STAND_IN_LATENCY_MS }), { logger: ['error', 'warn'] });
  if (config.BANK_STAND_IN_SEED_FILE) {
    const accounts = app.get(BankAccountsService);
    for (const { institution, account, holderName, status } of JSON.parse(readFileSync(config.BANK_STAND_IN_SEED_FILE, 'utf8')) as StandInAccount[]) {
      accounts.upsert({ institution, account, holderName, status: status ?? 'active' });
    }
  }
  app.enableShutdownHooks();
  await app.listen(config.PORT, '127.0.0.1');
  console.log(`bank name-enquiry stand-in listening on http://127.0.0.1:${config.PORT}`);
}
void main();

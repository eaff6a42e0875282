import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BankAccountsService } from './bank-accounts.service';
import { BankStandInModule } from './bank-stand-in.module';
import { loadBankStandInConfig } from './config/bank-stand-in.config';

interface SeedAccount {
  institution: string;
  account: string;
  holderName: string;
  status?: 'active' | 'closed' | 'blocked';
  deceased?: boolean;
}

// No authentication: it listens on loopback unless HTTP_HOST says otherwise (a container), and holds made-up accounts.
async function main() {
  const config = loadBankStandInConfig();
  const module = BankStandInModule.forRoot({
    enquiry: { latencyMs: config.BANK_STAND_IN_LATENCY_MS },
    topics: {
      enabled: config.BANK_STAND_IN_KAFKA_ENABLED,
      brokers: config.KAFKA_BROKERS,
      institutions: config.BANK_STAND_IN_INSTITUTIONS,
      groupId: `${config.BANK_STAND_IN_CONSUMER_GROUP}${config.KAFKA_CONSUMER_GROUP_SUFFIX}`,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      partitions: config.BANK_STAND_IN_TOPIC_PARTITIONS,
      ansinhPublicKey: config.ANSINH_INSTRUCTION_PUBLIC_KEY,
      signingKey: config.BANK_STAND_IN_SIGNING_KEY,
      keyId: config.BANK_STAND_IN_KEY_ID,
      communes: config.BANK_STAND_IN_COMMUNES,
      skipEarlierThan: config.BANK_STAND_IN_SKIP_EARLIER ? Date.now() : null,
    },
    simulator: {
      mode: config.BANK_STAND_IN_MODE,
      latency: { minMs: config.BANK_STAND_IN_RESULT_LATENCY_MIN_MS, maxMs: config.BANK_STAND_IN_RESULT_LATENCY_MAX_MS },
      rates: config.BANK_STAND_IN_RATES,
      noAnswerRate: config.BANK_STAND_IN_NO_ANSWER_RATE,
      dropRate: config.BANK_STAND_IN_DROP_RATE,
      acceptedFirst: config.BANK_STAND_IN_ACCEPTED_FIRST,
      acceptUnknownAccounts: config.BANK_STAND_IN_ACCEPT_UNKNOWN_ACCOUNTS,
      seed: config.BANK_STAND_IN_RANDOM_SEED,
    },
  });
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: ['error', 'warn'] });
  // pain.001 files arrive as the raw XML body
  app.useBodyParser('text', { type: ['application/xml', 'text/xml'], limit: '50mb' });
  if (config.BANK_STAND_IN_SEED_FILE) {
    const accounts = app.get(BankAccountsService);
    for (const { institution, account, holderName, status, deceased } of JSON.parse(readFileSync(config.BANK_STAND_IN_SEED_FILE, 'utf8')) as SeedAccount[]) {
      accounts.upsert({ institution, account, holderName, status: status ?? 'active', deceased: deceased ?? false });
    }
  }
  app.enableShutdownHooks();
  // listen() runs the bootstrap hooks first: the instruction consumer is running once HTTP answers
  await app.listen(config.PORT, config.HTTP_HOST);
  console.log(`bank stand-in listening on http://${config.HTTP_HOST}:${config.PORT}` + (config.BANK_STAND_IN_KAFKA_ENABLED ? ` and answering ${config.BANK_STAND_IN_INSTITUTIONS.length} institution(s) on Kafka` : ''));
}
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { CitizenRegistryController } from './citizen-registry.controller';
import { CitizenRegistryService } from './citizen-registry.service';

const config = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4020),
    // loopback unless told otherwise (no authentication); a container sets 0.0.0.0 for its neighbours
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    // a JSON array of { cccd, fullName, dateOfBirth, gender } to start with
    REGISTRY_SEED_FILE: z.string().optional(),
  })
  .parse(process.env);

@Module({ controllers: [CitizenRegistryController], providers: [CitizenRegistryService] })
class PopulationRegistryStandInModule {}

async function main() {
  const app = await NestFactory.create(PopulationRegistryStandInModule, { logger: ['error', 'warn'] });
  if (config.REGISTRY_SEED_FILE) {
    const registry = app.get(CitizenRegistryService);
    for (const { cccd, fullName, dateOfBirth, gender } of JSON.parse(readFileSync(config.REGISTRY_SEED_FILE, 'utf8'))) {
      registry.upsert({ cccd, fullName, dateOfBirth, gender });
    }
  }
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HTTP_HOST);
  console.log(`population registry stand-in listening on http://${config.HTTP_HOST}:${config.PORT}`);
}
void main();

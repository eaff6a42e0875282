import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BeneficiariesModule } from '../beneficiaries/beneficiaries.module';
import { IDENTITY_QUEUE } from './identity-queue';
import { IdentityVerificationProcessor } from './identity-verification.processor';
import { IdentityVerificationService } from './identity-verification.service';
import { IdentityController } from './identity.controller';
import { HttpPopulationRegistry, PopulationRegistry } from './population-registry.client';

@Module({
  imports: [
    BeneficiariesModule,
    BullModule.registerQueue({
      name: IDENTITY_QUEUE,
      defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 86_400 }, removeOnFail: false },
    }),
  ],
  controllers: [IdentityController],
  providers: [IdentityVerificationService, IdentityVerificationProcessor, { provide: PopulationRegistry, useClass: HttpPopulationRegistry }],
})
export class IdentityModule {}

import { FieldCipher, SERVICE_CONFIG } from '@app/platform';
import { AccountTransportSealer } from './account-transport-sealer';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { BeneficiaryConfig } from '../config/beneficiary.config';
import { ACCOUNT_QUEUE } from './account-queue';
import { AccountVerificationProcessor } from './account-verification.processor';
import { AccountVerificationService } from './account-verification.service';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { BankNameEnquiryClient, HttpBankNameEnquiryClient } from './bank-name-enquiry.client';

@Module({
  imports: [
    BullModule.registerQueue({
      name: ACCOUNT_QUEUE,
      // 2 s, 4 s, 8 s, 16 s, 32 s: a bank's short outage; longer ones are left to the hourly sweep.
      defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: { age: 86_400 }, removeOnFail: false },
    }),
  ],
  controllers: [AccountsController],
  providers: [
    AccountsService,
    AccountVerificationService,
    AccountVerificationProcessor,
    { provide: BankNameEnquiryClient, useClass: HttpBankNameEnquiryClient },
    { provide: FieldCipher, inject: [SERVICE_CONFIG], useFactory: (config: BeneficiaryConfig) => FieldCipher.fromBase64(config.ACCOUNT_ENCRYPTION_KEY) },
    {
      provide: AccountTransportSealer,
      inject: [FieldCipher, SERVICE_CONFIG],
      useFactory: (atRest: FieldCipher, config: BeneficiaryConfig) => new AccountTransportSealer(atRest, FieldCipher.fromBase64(config.ACCOUNT_TRANSPORT_KEY)),
    },
  ],
})
export class AccountsModule {}

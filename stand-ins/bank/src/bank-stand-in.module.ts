import { DynamicModule, Module } from '@nestjs/common';
import { BANK_STAND_IN_OPTIONS, BankAccountsService, type BankStandInOptions } from './bank-accounts.service';
import { NameEnquiryController } from './name-enquiry.controller';

/** A stand-in for the banks' and e-wallets' name-enquiry service: an external party, simulated. */
@Module({})
export class BankStandInModule {
  static forRoot(options: BankStandInOptions): DynamicModule {
    return {
      module: BankStandInModule,
      controllers: [NameEnquiryController],
      providers: [{ provide: BANK_STAND_IN_OPTIONS, useValue: options }, BankAccountsService],
    };
  }
}

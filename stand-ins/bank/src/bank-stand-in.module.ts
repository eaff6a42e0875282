import { DynamicModule, Module } from '@nestjs/common';
import { BANK_STAND_IN_OPTIONS, BankAccountsService, type BankStandInOptions } from './bank-accounts.service';
import { InstructionExecutorService } from './instruction-executor.service';
import { InstructionLedgerService } from './instruction-ledger.service';
import { INSTRUCTION_TOPICS_OPTIONS, InstructionTopicsService, type InstructionTopicsOptions } from './instruction-topics.service';
import { NameEnquiryController } from './name-enquiry.controller';
import { PainFilesService } from './pain-files.service';
import { SimulatorControlController } from './simulator-control.controller';
import { SIMULATOR_DEFAULTS, SimulatorSettingsService, type SimulatorSettings } from './simulator-settings.service';

/**
 * A stand-in for the paying institutions (banks, e-wallets, the post office): an external party,
 * simulated. It answers name-enquiry over HTTP, executes payment instructions from Kafka (or from a
 * pain.001 file) against its account book, and keeps a ledger of everything it received.
 */
@Module({})
export class BankStandInModule {
  static forRoot(options: { enquiry: BankStandInOptions; topics: InstructionTopicsOptions; simulator: SimulatorSettings }): DynamicModule {
    return {
      module: BankStandInModule,
      controllers: [NameEnquiryController, SimulatorControlController],
      providers: [
        { provide: BANK_STAND_IN_OPTIONS, useValue: options.enquiry },
        { provide: INSTRUCTION_TOPICS_OPTIONS, useValue: options.topics },
        { provide: SIMULATOR_DEFAULTS, useValue: options.simulator },
        BankAccountsService,
        InstructionLedgerService,
        SimulatorSettingsService,
        InstructionExecutorService,
        InstructionTopicsService,
        PainFilesService,
      ],
    };
  }
}

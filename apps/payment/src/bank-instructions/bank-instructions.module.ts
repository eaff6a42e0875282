import { Module } from '@nestjs/common';
import { BankInstructionsController } from './bank-instructions.controller';
import { BankInstructionsService } from './bank-instructions.service';

@Module({ controllers: [BankInstructionsController], providers: [BankInstructionsService] })
export class BankInstructionsModule {}

import { Module } from '@nestjs/common';
import { BeneficiaryEventsController } from './beneficiary-events.controller';
import { PayeesService } from './payees.service';

@Module({ controllers: [BeneficiaryEventsController], providers: [PayeesService] })
export class PayeesModule {}

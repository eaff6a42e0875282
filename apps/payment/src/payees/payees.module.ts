import { Module } from '@nestjs/common';
import { PayoutsModule } from '../payouts/payouts.module';
import { BeneficiaryEventsController } from './beneficiary-events.controller';
import { PayeesService } from './payees.service';

@Module({ imports: [PayoutsModule], controllers: [BeneficiaryEventsController], providers: [PayeesService] })
export class PayeesModule {}

import { Module } from '@nestjs/common';
import { FuneralsModule } from '../funerals/funerals.module';
import { PayoutsModule } from '../payouts/payouts.module';
import { BeneficiaryEventsController } from './beneficiary-events.controller';
import { PayeesService } from './payees.service';

@Module({ imports: [PayoutsModule, FuneralsModule], controllers: [BeneficiaryEventsController], providers: [PayeesService] })
export class PayeesModule {}

import { Module } from '@nestjs/common';
import { PayoutCyclesController } from './payout-cycles.controller';
import { PayoutCyclesService } from './payout-cycles.service';

@Module({ controllers: [PayoutCyclesController], providers: [PayoutCyclesService] })
export class PayoutCyclesModule {}

import { Module } from '@nestjs/common';
import { AuditController } from '../audit/audit.controller';
import { PayoutCyclesController } from './payout-cycles.controller';
import { PayoutCyclesService } from './payout-cycles.service';

@Module({ controllers: [PayoutCyclesController, AuditController], providers: [PayoutCyclesService] })
export class PayoutCyclesModule {}

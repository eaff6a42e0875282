import { Module } from '@nestjs/common';
import { PayoutsModule } from '../payouts/payouts.module';
import { AllowanceLevelsController } from './allowance-levels.controller';
import { AllowanceLevelsService } from './allowance-levels.service';

/** The dated rules as data: recording a level and re-computing what it reaches. */
@Module({ imports: [PayoutsModule], controllers: [AllowanceLevelsController], providers: [AllowanceLevelsService] })
export class EntitlementsModule {}

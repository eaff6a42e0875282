import { Module } from '@nestjs/common';
import { PayoutsModule } from '../payouts/payouts.module';
import { FuneralSupportService } from './funeral-support.service';
import { FuneralSupportsController } from './funeral-supports.controller';

@Module({ imports: [PayoutsModule], controllers: [FuneralSupportsController], providers: [FuneralSupportService], exports: [FuneralSupportService] })
export class FuneralsModule {}

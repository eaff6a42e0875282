import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { CycleScheduleProcessor } from './cycle-schedule.processor';
import { CYCLE_SCHEDULE_QUEUE } from './cycle-schedule.queue';
import { PayoutCyclesController } from './payout-cycles.controller';
import { PayoutCyclesService } from './payout-cycles.service';

@Module({
  imports: [BullModule.registerQueue({ name: CYCLE_SCHEDULE_QUEUE, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: 100 } })],
  controllers: [PayoutCyclesController],
  providers: [PayoutCyclesService, CycleScheduleProcessor],
})
export class PayoutCyclesModule {}

import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BankResultsConsumer } from '../bank-results/bank-results.consumer';
import { BankResultsService } from '../bank-results/bank-results.service';
import { PayoutOutcomesService } from '../bank-results/payout-outcomes.service';
import { ConservationController } from '../conservation/conservation.controller';
import { ConservationService } from '../conservation/conservation.service';
import { PayoutHistoryController } from '../history/payout-history.controller';
import { PayoutHistoryService } from '../history/payout-history.service';
import { PayoutBatchesController } from '../batches/payout-batches.controller';
import { PayoutBatchesService } from '../batches/payout-batches.service';
import { InstructionDispatcherService } from '../dispatch/instruction-dispatcher.service';
import { PAYOUT_RETRY_QUEUE } from '../retries/payout-retry.queue';
import { PayoutRetriesProcessor } from '../retries/payout-retries.processor';
import { PayoutRetriesService } from '../retries/payout-retries.service';
import { PayoutCancellationService } from './payout-cancellation.service';
import { PayoutDecisionsController } from './payout-decisions.controller';
import { PayoutDecisionsService } from './payout-decisions.service';
import { PayoutLedgerService } from './payout-ledger.service';

/** From approval to a final state: batches, instructions, bank results, retries, fallback. */
@Module({
  imports: [BullModule.registerQueue({ name: PAYOUT_RETRY_QUEUE, defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } })],
  controllers: [PayoutBatchesController, ConservationController, PayoutHistoryController, PayoutDecisionsController],
  providers: [
    PayoutLedgerService,
    InstructionDispatcherService,
    PayoutOutcomesService,
    BankResultsService,
    BankResultsConsumer,
    PayoutBatchesService,
    PayoutRetriesService,
    PayoutRetriesProcessor,
    ConservationService,
    PayoutCancellationService,
    PayoutHistoryService,
    PayoutDecisionsService,
  ],
  exports: [PayoutLedgerService, BankResultsService, PayoutCancellationService],
})
export class PayoutsModule {}

import { SERVICE_CONFIG } from '@app/platform';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import type { NotificationConfig } from '../config/notification.config';
import { NOTICE_CHANNELS } from '../recipients/contact-plan';
import { RecipientsModule } from '../recipients/recipients.module';
import { AccountEventsController } from './account-events.controller';
import { DeliveryLogController } from './delivery-log.controller';
import { DeliveryLogService } from './delivery-log.service';
import { LifecycleEventsController } from './lifecycle-events.controller';
import { NoticeDeliveryProcessor } from './notice-delivery.processor';
import { NoticeDeliveryService } from './notice-delivery.service';
import { NoticeDispatchService } from './notice-dispatch.service';
import { NoticeIntakeService } from './notice-intake.service';
import { assertVocabulary } from './notice-policy';
import { DELIVERY_QUEUES, MAINTENANCE_QUEUE } from './notice-queue';
import { NoticeSweepProcessor } from './notice-sweep.processor';
import { NoticeTemplates } from './notice-templates';
import { PayoutEventsConsumer } from './payout-events.consumer';

@Module({
  imports: [
    RecipientsModule,
    ChannelsModule,
    ...NOTICE_CHANNELS.map((channel) =>
      BullModule.registerQueueAsync({
        name: DELIVERY_QUEUES[channel],
        inject: [SERVICE_CONFIG],
        useFactory: (config: NotificationConfig) => ({
          // attempts × exponential backoff is how long an outage is ridden out before the next channel
          defaultJobOptions: {
            attempts: config.NOTICE_MAX_ATTEMPTS,
            backoff: { type: 'exponential', delay: config.NOTICE_BACKOFF_MS },
            removeOnComplete: { age: 86_400, count: 10_000 },
            removeOnFail: false,
          },
        }),
      }),
    ),
    BullModule.registerQueue({ name: MAINTENANCE_QUEUE, defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } } }),
  ],
  controllers: [AccountEventsController, LifecycleEventsController, DeliveryLogController],
  providers: [
    {
      provide: NoticeTemplates,
      useFactory: () => {
        const templates = new NoticeTemplates();
        assertVocabulary(templates);
        return templates;
      },
    },
    NoticeIntakeService,
    PayoutEventsConsumer,
    NoticeDispatchService,
    NoticeDeliveryService,
    NoticeDeliveryProcessor,
    NoticeSweepProcessor,
    DeliveryLogService,
  ],
  exports: [BullModule],
})
export class NoticesModule {}

import { beneficiaryRegisteredV1 } from '@app/contracts';
import { PlatformModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import type { NotificationConfig } from './config/notification.config';
import { NOTIFICATION_ENTITIES, NOTIFICATION_MIGRATIONS, NOTIFICATION_SCHEMA } from './database/notification-database';
import { NOTICE_TOPICS } from './notices/notice-policy';
import { NoticesModule } from './notices/notices.module';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module';
import { RecipientsModule } from './recipients/recipients.module';

@Module({})
export class NotificationAppModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: NotificationAppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'notification',
          schema: NOTIFICATION_SCHEMA,
          config,
          entities: NOTIFICATION_ENTITIES,
          migrations: NOTIFICATION_MIGRATIONS,
          topics: [beneficiaryRegisteredV1.topic, ...NOTICE_TOPICS],
        }),
        RecipientsModule,
        NoticesModule,
        QueueDashboardModule,
      ],
    };
  }
}

import { bootstrapService } from '@app/platform';
import { NotificationAppModule } from './app.module';
import { loadNotificationConfig } from './config/notification.config';

void bootstrapService({
  name: 'notification',
  title: 'AnSinh — Thông báo (notification)',
  description: 'Vietnamese notices to beneficiaries (SMS, Zalo, e-mail) from payment and registry events.',
  loadConfig: loadNotificationConfig,
  appModule: (config) => NotificationAppModule.forRoot(config),
  consumerGroup: 'notification',
});

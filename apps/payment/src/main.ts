import { bootstrapService } from '@app/platform';
import { PaymentAppModule } from './app.module';
import { loadPaymentConfig } from './config/payment.config';

void bootstrapService({
  name: 'payment',
  title: 'AnSinh — Chi trả (payment)',
  description: 'Entitlements, payout cycles, maker-checker approval, bank dispatch over Kafka, fallback to cash, audit history.',
  loadConfig: loadPaymentConfig,
  appModule: (config) => PaymentAppModule.forRoot(config),
  consumerGroup: 'payment',
});

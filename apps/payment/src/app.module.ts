import { beneficiaryCeasedV1, beneficiaryRegisteredV1, beneficiaryReinstatedV1, beneficiarySuspendedV1, beneficiaryVerifiedV1 } from '@app/contracts';
import { PlatformModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import type { PaymentConfig } from './config/payment.config';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } from './database/payment-database';
import { PayeesModule } from './payees/payees.module';
import { PayoutCyclesModule } from './cycles/payout-cycles.module';

@Module({})
export class PaymentAppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentAppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'payment',
          schema: PAYMENT_SCHEMA,
          config,
          entities: PAYMENT_ENTITIES,
          migrations: PAYMENT_MIGRATIONS,
          topics: [beneficiaryRegisteredV1, beneficiaryVerifiedV1, beneficiarySuspendedV1, beneficiaryReinstatedV1, beneficiaryCeasedV1].map((definition) => definition.topic),
        }),
        PayeesModule,
        PayoutCyclesModule,
      ],
    };
  }
}

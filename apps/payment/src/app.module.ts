import {
  accountChangedV1,
  accountLinkedV1,
  accountRejectedV1,
  accountVerifiedV1,
  beneficiaryCeasedV1,
  beneficiaryRegisteredV1,
  beneficiaryReinstatedV1,
  beneficiarySuspendedV1,
  beneficiaryVerifiedV1,
  instructionIssuedV1,
  instructionReportedV1,
  PAYING_INSTITUTIONS,
  payoutCancelledV1,
  payoutFailedV1,
  payoutHeldV1,
  payoutSentV1,
  payoutSettledV1,
} from '@app/contracts';
import { PlatformModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import type { PaymentConfig } from './config/payment.config';
import { PAYMENT_ENTITIES, PAYMENT_MIGRATIONS, PAYMENT_SCHEMA } from './database/payment-database';
import { PayeesModule } from './payees/payees.module';
import { PayoutCyclesModule } from './cycles/payout-cycles.module';
import { PayeeAccountsModule } from './accounts/payee-accounts.module';
import { PayoutsModule } from './payouts/payouts.module';
import { BankFilesModule } from './bank-files/bank-files.module';
import { BankInstructionsModule } from './bank-instructions/bank-instructions.module';
import { EntitlementsModule } from './entitlements/entitlements.module';
import { ReportingModule } from './reporting/reporting.module';

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
          topics: [
            ...[beneficiaryRegisteredV1, beneficiaryVerifiedV1, beneficiarySuspendedV1, beneficiaryReinstatedV1, beneficiaryCeasedV1].map((definition) => definition.topic),
            ...[accountLinkedV1, accountVerifiedV1, accountRejectedV1, accountChangedV1].map((definition) => definition.topic),
            ...[payoutSentV1, payoutSettledV1, payoutFailedV1, payoutHeldV1, payoutCancelledV1].map((definition) => definition.topic),
            ...PAYING_INSTITUTIONS.flatMap((institution) => [instructionIssuedV1(institution.code).topic, instructionReportedV1(institution.code).topic]),
          ],
        }),
        PayeesModule,
        PayoutCyclesModule,
        PayeeAccountsModule,
        PayoutsModule,
        BankFilesModule,
        BankInstructionsModule,
        EntitlementsModule,
        ReportingModule,
      ],
    };
  }
}

import { EVENT_CATALOGUE } from '@app/contracts';
import { PlatformModule } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { BeneficiariesModule } from './beneficiaries/beneficiaries.module';
import { IdentityModule } from './identity/identity.module';
import { ImportsModule } from './imports/imports.module';
import type { BeneficiaryConfig } from './config/beneficiary.config';
import { BENEFICIARY_ENTITIES, BENEFICIARY_MIGRATIONS, BENEFICIARY_SCHEMA } from './database/beneficiary-database';

@Module({})
export class BeneficiaryAppModule {
  static forRoot(config: BeneficiaryConfig): DynamicModule {
    return {
      module: BeneficiaryAppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'beneficiary',
          schema: BENEFICIARY_SCHEMA,
          config,
          entities: BENEFICIARY_ENTITIES,
          migrations: BENEFICIARY_MIGRATIONS,
          // Every event this context publishes: the registry's events all start with 'beneficiary.'.
          topics: EVENT_CATALOGUE.filter((definition) => definition.topic.startsWith('beneficiary.')).map((definition) => definition.topic),
        }),
        BeneficiariesModule,
        AccountsModule,
        IdentityModule,
        ImportsModule,
      ],
    };
  }
}

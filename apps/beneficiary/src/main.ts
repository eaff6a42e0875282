import { bootstrapService } from '@app/platform';
import { BeneficiaryAppModule } from './app.module';
import { loadBeneficiaryConfig } from './config/beneficiary.config';

void bootstrapService({
  name: 'beneficiary',
  title: 'AnSinh — Sổ đối tượng hưởng (beneficiary registry)',
  description: 'Registration, identity checks and account linking of social-welfare beneficiaries.',
  loadConfig: loadBeneficiaryConfig,
  appModule: (config) => BeneficiaryAppModule.forRoot(config),
});

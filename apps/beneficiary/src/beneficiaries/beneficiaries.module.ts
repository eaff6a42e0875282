import { Module } from '@nestjs/common';
import { BeneficiariesController } from './beneficiaries.controller';
import { BeneficiariesService } from './beneficiaries.service';
import { BeneficiaryLifecycleService } from './beneficiary-lifecycle.service';
import { DuplicatesController } from './duplicates.controller';
import { DuplicatesService } from './duplicates.service';

@Module({
  controllers: [BeneficiariesController, DuplicatesController],
  providers: [BeneficiariesService, BeneficiaryLifecycleService, DuplicatesService],
  exports: [BeneficiariesService, BeneficiaryLifecycleService],
})
export class BeneficiariesModule {}

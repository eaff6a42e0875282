import { Module } from '@nestjs/common';
import { BeneficiaryEventsController } from './beneficiary-events.controller';
import { ContactDirectoryService } from './contact-directory.service';
import { ContactPreferencesController } from './contact-preferences.controller';
import { ContactPreferencesService } from './contact-preferences.service';
import { RecipientsService } from './recipients.service';

@Module({
  controllers: [BeneficiaryEventsController, ContactPreferencesController],
  providers: [RecipientsService, ContactPreferencesService, ContactDirectoryService],
  exports: [ContactDirectoryService],
})
export class RecipientsModule {}

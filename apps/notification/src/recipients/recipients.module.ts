import { Module } from '@nestjs/common';
import { BeneficiaryEventsController } from './beneficiary-events.controller';
import { RecipientsService } from './recipients.service';

@Module({ controllers: [BeneficiaryEventsController], providers: [RecipientsService] })
export class RecipientsModule {}

import type { beneficiaryRegisteredV1, EventEnvelope, PayloadOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RecipientEntity } from './recipient.entity';

@Injectable()
export class RecipientsService {
  async recordRegistration(event: EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>>, manager: EntityManager): Promise<void> {
    const registered = event.payload;
    await manager.insert(RecipientEntity, {
      beneficiaryId: registered.beneficiaryId,
      fullName: registered.fullName,
      phone: registered.phone,
      provinceCode: registered.provinceCode,
      communeCode: registered.communeCode,
      sourceEventId: event.eventId,
    });
  }
}

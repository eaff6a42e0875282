import type { beneficiaryRegisteredV1, EventEnvelope, PayloadOf } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PayeeEntity } from './payee.entity';

@Injectable()
export class PayeesService {
  /** Runs inside the inbox transaction, so the row and the consumed event id commit together. */
  async recordRegistration(event: EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>>, manager: EntityManager): Promise<void> {
    const registered = event.payload;
    await manager.insert(PayeeEntity, {
      beneficiaryId: registered.beneficiaryId,
      cccd: registered.cccd,
      programmeCode: registered.programmeCode,
      categoryCode: registered.categoryCode,
      provinceCode: registered.provinceCode,
      communeCode: registered.communeCode,
      legacyDistrictCode: registered.legacyDistrictCode,
      status: registered.status,
      registeredAt: new Date(registered.registeredAt),
      sourceEventId: event.eventId,
    });
  }
}

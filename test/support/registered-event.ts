import { beneficiaryRegisteredV1, type EventEnvelope, type PayloadOf } from '@app/contracts';
import { v7 as uuidv7 } from 'uuid';
import { newBeneficiary } from './beneficiary-factory';

/** A valid `beneficiary.beneficiary.registered.v1` envelope as the beneficiary service would publish it. */
export function registeredEvent(overrides: Partial<PayloadOf<typeof beneficiaryRegisteredV1>> = {}): EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>> {
  const person = newBeneficiary();
  const beneficiaryId = overrides.beneficiaryId ?? uuidv7();
  const now = new Date().toISOString();
  return beneficiaryRegisteredV1.envelope.parse({
    eventId: uuidv7(),
    type: beneficiaryRegisteredV1.type,
    version: beneficiaryRegisteredV1.version,
    occurredAt: now,
    producer: 'test',
    correlationId: `test-${beneficiaryId}`,
    causationId: null,
    aggregateId: beneficiaryId,
    payload: {
      beneficiaryId,
      cccd: person.cccd,
      fullName: person.fullName,
      dateOfBirth: person.dateOfBirth,
      gender: person.gender,
      phone: person.phone ?? null,
      provinceCode: person.provinceCode,
      communeCode: person.communeCode,
      legacyDistrictCode: null,
      programmeCode: person.programmeCode,
      categoryCode: person.categoryCode,
      status: 'pending_verification',
      registeredAt: now,
      ...overrides,
    },
  }) as EventEnvelope<PayloadOf<typeof beneficiaryRegisteredV1>>;
}

import { beneficiaryRegisteredV1, deadLetterTopicOf, EVENT_CATALOGUE } from './events';

const validEnvelope = {
  eventId: '0190f5c2-7b7e-7c3a-9a51-3f2d6c1e8a10',
  type: 'beneficiary.beneficiary.registered',
  version: 1,
  occurredAt: '2026-11-23T08:00:00.000Z',
  producer: 'beneficiary',
  correlationId: 'c-1',
  causationId: null,
  aggregateId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
  payload: {
    beneficiaryId: '7d1f1c7e-1111-4a4a-8b8b-123456789abc',
    cccd: '042148001234',
    fullName: 'Nguyễn Thị Đào',
    dateOfBirth: '1948-03-15',
    gender: 'female',
    phone: '0912345678',
    provinceCode: '42',
    communeCode: '18073',
    legacyDistrictCode: null,
    programmeCode: 'TC_XH',
    categoryCode: 'NCT_80',
    status: 'active',
    registeredAt: '2026-11-23T08:00:00.000Z',
  },
};

describe('event envelope and catalogue', () => {
  it('names topics <context>.<entity>.<event>.v<major>, unique across the catalogue', () => {
    expect(beneficiaryRegisteredV1.topic).toBe('beneficiary.beneficiary.registered.v1');
    const topics = EVENT_CATALOGUE.map((definition) => definition.topic);
    expect(new Set(topics).size).toBe(topics.length);
    for (const topic of topics) expect(topic).toMatch(/^[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$/);
  });

  it('accepts a well-formed event', () => {
    expect(beneficiaryRegisteredV1.envelope.safeParse(validEnvelope).success).toBe(true);
  });

  it.each([
    ['a missing eventId', { eventId: undefined }],
    ['an unknown field', { extra: 1 }],
    ['a non-UTC-offset time', { occurredAt: '23/11/2026' }],
  ])('rejects %s in the envelope', (_label, change) => {
    expect(beneficiaryRegisteredV1.envelope.safeParse({ ...validEnvelope, ...change }).success).toBe(false);
  });

  it('rejects a payload with a malformed CCCD or a pre-reform province code', () => {
    const badCccd = { ...validEnvelope, payload: { ...validEnvelope.payload, cccd: '42148001234' } };
    const oldProvince = { ...validEnvelope, payload: { ...validEnvelope.payload, provinceCode: '28' } };
    expect(beneficiaryRegisteredV1.envelope.safeParse(badCccd).success).toBe(false);
    expect(beneficiaryRegisteredV1.envelope.safeParse(oldProvince).success).toBe(false);
  });

  it('puts dead letters beside their topic', () => {
    expect(deadLetterTopicOf('beneficiary.beneficiary.registered.v1')).toBe('beneficiary.beneficiary.registered.v1.dlq');
  });
});

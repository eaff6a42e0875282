import {
  beneficiaryRegisteredV1,
  payoutSentV1,
  type EventDefinition,
  type EventEnvelope,
  type PayloadOf,
} from '@app/contracts';
import { v7 as uuidv7 } from 'uuid';
import { registeredEvent } from '../../../test/support/registered-event';

/** A valid envelope of any event, as its producing service would publish it. */
export function envelope<TDefinition extends EventDefinition>(definition: TDefinition, aggregateId: string, payload: PayloadOf<TDefinition>): EventEnvelope<PayloadOf<TDefinition>> {
  return definition.envelope.parse({
    eventId: uuidv7(),
    type: definition.type,
    version: definition.version,
    occurredAt: new Date().toISOString(),
    producer: 'test',
    correlationId: `test-${aggregateId}`,
    causationId: null,
    aggregateId,
    payload,
  }) as EventEnvelope<PayloadOf<TDefinition>>;
}

let phoneSequence = Math.floor(Math.random() * 90_000_000);
/** A mobile number no other test of the run uses, so stand-in messages can be told apart. */
export function uniquePhone(): string {
  phoneSequence = (phoneSequence + 7_919) % 100_000_000;
  return `09${String(phoneSequence).padStart(8, '0')}`;
}

export function registration(overrides: Partial<PayloadOf<typeof beneficiaryRegisteredV1>> = {}) {
  return registeredEvent({ phone: uniquePhone(), ...overrides });
}

export function payoutSent(beneficiaryId: string, overrides: Partial<PayloadOf<typeof payoutSentV1>> = {}): PayloadOf<typeof payoutSentV1> {
  return {
    entitlementId: uuidv7(),
    beneficiaryId,
    cycleId: null,
    programmeCode: 'TC_XH',
    period: '2026-11',
    kind: 'monthly',
    amountDong: '750000',
    provinceCode: '42',
    communeCode: '18073',
    instructionId: uuidv7(),
    attemptNumber: 1,
    channel: 'bank',
    institutionCode: '970436',
    accountNumberMasked: '****3456',
    cashCollection: null,
    sentAt: '2026-11-05T02:00:00Z',
    ...overrides,
  };
}

export interface StandInMessage {
  channel: 'sms' | 'zalo' | 'email';
  to: string;
  subject: string | null;
  text: string;
  clientReference: string;
  requests: number;
}

/** The messaging stand-in seen from a test: what it received, and how it should misbehave. */
export class MessagingStandIn {
  constructor(readonly url: string) {}

  async messages(filter: { to?: string; channel?: string } = {}): Promise<StandInMessage[]> {
    const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await fetch(`${this.url}/messages?${query}`);
    return ((await response.json()) as { messages: StandInMessage[] }).messages;
  }

  async control(change: Record<string, unknown> & { channel: 'sms' | 'zalo' | 'email' }): Promise<void> {
    const response = await fetch(`${this.url}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
    if (response.status !== 200) throw new Error(`stand-in refused control: ${response.status} ${await response.text()}`);
  }

  async reset(): Promise<void> {
    await fetch(`${this.url}/control/reset`, { method: 'POST' });
  }
}

export { startGroupAtEnd } from '../../../test/support/consumer-groups';

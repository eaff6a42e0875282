import { beneficiaryCeasedV1, beneficiaryReinstatedV1, beneficiarySuspendedV1, beneficiaryVerifiedV1 } from './beneficiary/beneficiary-lifecycle.v1';
import { accountChangedV1 } from './beneficiary/account-changed.v1';
import { accountLinkedV1 } from './beneficiary/account-linked.v1';
import { accountRejectedV1 } from './beneficiary/account-rejected.v1';
import { accountVerifiedV1 } from './beneficiary/account-verified.v1';
import { beneficiaryRegisteredV1 } from './beneficiary/beneficiary-registered.v1';
import type { EventDefinition } from './event-definition';
import { payoutCancelledV1, payoutFailedV1, payoutHeldV1, payoutSentV1, payoutSettledV1 } from './payment/payout-events.v1';

export * from './event-definition';
export * from './beneficiary/beneficiary-lifecycle.v1';
export * from './beneficiary/beneficiary-registered.v1';
export * from './beneficiary/account-changed.v1';
export * from './beneficiary/account-linked.v1';
export * from './beneficiary/account-rejected.v1';
export * from './beneficiary/account-verified.v1';
export * from './beneficiary/payment-account';
export * from './payment/bank-instruction.v1';
export * from './payment/bank-reason-codes';
export * from './payment/payout-events.v1';

/** Every event AnSinh publishes, by topic. The single source for topic creation and the exported schemas. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [
  beneficiaryRegisteredV1,
  beneficiaryVerifiedV1,
  beneficiarySuspendedV1,
  beneficiaryReinstatedV1,
  beneficiaryCeasedV1,
  accountLinkedV1,
  accountVerifiedV1,
  accountRejectedV1,
  accountChangedV1,
  payoutSentV1,
  payoutSettledV1,
  payoutFailedV1,
  payoutHeldV1,
  payoutCancelledV1,
];

export const TOPICS = Object.freeze(
  Object.fromEntries(EVENT_CATALOGUE.map((definition) => [definition.topic, definition.topic])),
) as Readonly<Record<string, string>>;

export function eventDefinitionForTopic(topic: string): EventDefinition | undefined {
  return EVENT_CATALOGUE.find((definition) => definition.topic === topic);
}

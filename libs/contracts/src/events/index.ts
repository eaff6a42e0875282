import { beneficiaryRegisteredV1 } from './beneficiary/beneficiary-registered.v1';
import type { EventDefinition } from './event-definition';

export * from './event-definition';
export * from './beneficiary/beneficiary-registered.v1';

/** Every event AnSinh publishes, by topic. The single source for topic creation and the exported schemas. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [beneficiaryRegisteredV1];

export const TOPICS = Object.freeze(
  Object.fromEntries(EVENT_CATALOGUE.map((definition) => [definition.topic, definition.topic])),
) as Readonly<Record<string, string>>;

export function eventDefinitionForTopic(topic: string): EventDefinition | undefined {
  return EVENT_CATALOGUE.find((definition) => definition.topic === topic);
}

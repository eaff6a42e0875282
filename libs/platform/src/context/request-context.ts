import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * What ties one business operation together across HTTP, Kafka and BullMQ: the correlation id of the
 * operation, and the id of the event (or job) that caused the current work.
 */
export interface RequestContextData {
  correlationId: string;
  causationId: string | null;
  actor: string | null;
}

const storage = new AsyncLocalStorage<RequestContextData>();

export const CORRELATION_HEADER = 'x-correlation-id';

export const RequestContext = {
  run<T>(data: Partial<RequestContextData>, work: () => T): T {
    return storage.run(
      { correlationId: data.correlationId ?? randomUUID(), causationId: data.causationId ?? null, actor: data.actor ?? null },
      work,
    );
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  correlationId(): string {
    return storage.getStore()?.correlationId ?? randomUUID();
  },
  setActor(actor: string): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
};

/** Accepts a caller's correlation id only if it is short and harmless, so it can go into logs and headers. */
export function sanitizeCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : undefined;
}

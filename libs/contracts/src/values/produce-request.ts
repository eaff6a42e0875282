// Kafka producers on both sides of the contract (AnSinh's outbox relay, an institution answering) keep
// each produce request under the broker's limit with these.

/**
 * Bytes of message values in one produce request. The broker refuses a record batch (one per partition
 * in a request) above message.max.bytes, 1 MiB by default; staying under it for the whole request keeps
 * every partition's batch under it too.
 */
export const MAX_REQUEST_VALUE_BYTES = 900_000;

/**
 * Splits messages, in order, into runs whose values add up to at most `maxBytes` (a message larger than
 * that goes alone, and the broker decides).
 */
export function chunkByBytes<T extends { value: string }>(messages: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = Buffer.byteLength(message.value);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

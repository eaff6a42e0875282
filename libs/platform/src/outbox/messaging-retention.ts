/** Runs one SQL statement and gives back its rows (a DataSource's or an EntityManager's `query`). */
export type RunQuery = (sql: string, parameters: unknown[]) => Promise<unknown>;

/**
 * Indexes the pruning reads by age. Each service adds them in a migration of its own schema: an
 * index entry per event is the price of not reading the whole table every hour.
 */
export function messagingRetentionIndexesUp(schema: string): string[] {
  return [
    `CREATE INDEX outbox_event_created_idx ON "${schema}".outbox_event (created_at)`,
    `CREATE INDEX inbox_event_processed_idx ON "${schema}".inbox_event (processed_at)`,
  ];
}

export function messagingRetentionIndexesDown(schema: string): string[] {
  return [`DROP INDEX "${schema}".inbox_event_processed_idx`, `DROP INDEX "${schema}".outbox_event_created_idx`];
}

/**
 * Deletes outbox rows published before `before` and inbox rows processed before it, `batchSize` rows
 * a statement so no transaction holds many locks. An unpublished outbox row is never deleted, however
 * old. An inbox row deleted is an event id forgotten: `before` must lie further back than the broker
 * keeps messages, or a redelivered event would be applied again (platform-config.ts).
 */
export async function pruneMessaging(query: RunQuery, schema: string, before: Date, batchSize: number): Promise<{ outbox: number; inbox: number }> {
  const deleteAll = async (statement: string) => {
    let total = 0;
    for (;;) {
      const [, deleted] = (await query(statement, [before, batchSize])) as [unknown, number];
      total += deleted;
      if (deleted < batchSize) return total;
    }
  };
  const outbox = await deleteAll(
    `DELETE FROM "${schema}".outbox_event WHERE id IN (
       SELECT id FROM "${schema}".outbox_event WHERE created_at < $1 AND published_at IS NOT NULL ORDER BY created_at LIMIT $2)`,
  );
  const inbox = await deleteAll(
    `DELETE FROM "${schema}".inbox_event WHERE (consumer, event_id) IN (
       SELECT consumer, event_id FROM "${schema}".inbox_event WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)`,
  );
  return { outbox, inbox };
}

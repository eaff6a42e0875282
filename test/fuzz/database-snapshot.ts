import type { Client } from 'pg';

/**
 * A fingerprint of every table in a service's schema: row count and an md5 over all rows in a fixed
 * order. Two equal snapshots mean no row was added, removed or changed in between.
 */
export async function snapshotSchema(db: Client, schema: string): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  const snapshot: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await db.query<{ n: string; digest: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM "${schema}"."${table}" t`,
    );
    snapshot[table] = `${rows[0].n}:${rows[0].digest ?? '-'}`;
  }
  return snapshot;
}

/** The tables whose fingerprint differs between two snapshots. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((table) => before[table] !== after[table]).sort();
}

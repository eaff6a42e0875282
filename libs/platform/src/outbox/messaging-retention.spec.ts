import { Client } from 'pg';
import { messagingRetentionIndexesUp, pruneMessaging } from './messaging-retention';
import { messagingTablesUp } from './messaging-tables.sql';

// Real PostgreSQL, in a schema of its own that the test drops.
const databaseUrl = process.env.ANSINH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `retention_spec_${process.pid}_${Date.now()}`;

describe('pruneMessaging', () => {
  const client = new Client({ connectionString: databaseUrl });
  const query = async (sql: string, parameters: unknown[] = []) => {
    const result = await client.query(sql, parameters);
    return result.command === 'DELETE' ? [result.rows, result.rowCount] : result.rows;
  };
  const now = new Date('2026-12-04T03:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of [...messagingTablesUp(schema), ...messagingRetentionIndexesUp(schema)]) await client.query(statement);
  });

  afterAll(async () => {
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  });

  /** `count` outbox rows written `age` days ago, published or not, and as many inbox rows processed then. */
  const seed = async (count: number, age: number, published: boolean) => {
    await client.query(
      `INSERT INTO "${schema}".outbox_event (event_id, topic, message_key, envelope, created_at, published_at)
       SELECT gen_random_uuid(), 'payment.payout.settled.v1', gen_random_uuid()::text, '{}', $1, CASE WHEN $2 THEN $1::timestamptz + interval '1 second' END
         FROM generate_series(1, $3)`,
      [daysAgo(age), published, count],
    );
    await client.query(
      `INSERT INTO "${schema}".inbox_event (consumer, event_id, topic, kafka_partition, kafka_offset, correlation_id, processed_at)
       SELECT 'payment', gen_random_uuid(), 'bank.instruction.reported.v1', 0, g, 'corr', $1 FROM generate_series(1, $2) g`,
      [daysAgo(age), count],
    );
  };
  const remaining = async () => {
    const [row] = (await query(
      `SELECT (SELECT count(*)::int FROM "${schema}".outbox_event WHERE published_at IS NOT NULL) AS published,
              (SELECT count(*)::int FROM "${schema}".outbox_event WHERE published_at IS NULL) AS unpublished,
              (SELECT count(*)::int FROM "${schema}".inbox_event) AS inbox,
              (SELECT min(processed_at) FROM "${schema}".inbox_event) AS oldest_inbox`,
    )) as Array<{ published: number; unpublished: number; inbox: number; oldest_inbox: Date }>;
    return row;
  };

  it('deletes what is past retention, in several batches, and keeps the rest and every unpublished event', async () => {
    await seed(2_345, 45, true);
    await seed(7, 40, false); // Kafka was unreachable for weeks: still owed to the broker
    await seed(1_000, 29, true);
    await seed(50, 0, false);

    const counts = await pruneMessaging(query, schema, daysAgo(30), 500);

    expect(counts).toEqual({ outbox: 2_345, inbox: 2_345 + 7 });
    expect(await remaining()).toEqual({ published: 1_000, unpublished: 57, inbox: 1_050, oldest_inbox: daysAgo(29) });
    // nothing more to do: a second run deletes nothing
    expect(await pruneMessaging(query, schema, daysAgo(30), 500)).toEqual({ outbox: 0, inbox: 0 });
  });
});

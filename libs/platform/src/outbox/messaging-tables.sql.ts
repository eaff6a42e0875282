/**
 * The outbox (events written in the same transaction as the state change, relayed to Kafka later) and
 * the inbox (ids of consumed events, written in the same transaction as their effect). Every service's
 * first migration creates both in its own schema.
 */
export function messagingTablesUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}".outbox_event (
       id            bigserial PRIMARY KEY,
       event_id      uuid        NOT NULL,
       topic         text        NOT NULL,
       message_key   text        NOT NULL,
       -- json, not jsonb: the relay publishes exactly the bytes that were written
       envelope      json        NOT NULL,
       created_at    timestamptz NOT NULL DEFAULT now(),
       published_at  timestamptz,
       CONSTRAINT outbox_event_event_id_key UNIQUE (event_id)
     )`,
    `CREATE INDEX outbox_event_unpublished_idx ON "${schema}".outbox_event (id) WHERE published_at IS NULL`,
    `CREATE TABLE "${schema}".inbox_event (
       consumer        text        NOT NULL,
       event_id        uuid        NOT NULL,
       topic           text        NOT NULL,
       kafka_partition integer     NOT NULL,
       kafka_offset    bigint      NOT NULL,
       correlation_id  text        NOT NULL,
       -- how many times the event arrived again after it was applied (each time it changed nothing)
       redeliveries    integer     NOT NULL DEFAULT 0,
       processed_at    timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (consumer, event_id)
     )`,
  ];
}

export function messagingTablesDown(schema: string): string[] {
  return [`DROP TABLE "${schema}".inbox_event`, `DROP TABLE "${schema}".outbox_event`];
}

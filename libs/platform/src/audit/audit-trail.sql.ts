/** The audit trail of a service: append-only (the database refuses edits), each row chained to the previous by hash. */
export function auditTrailTableUp(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}".audit_entry (
       seq          bigint PRIMARY KEY,
       recorded_at  timestamptz NOT NULL,
       actor        text        NOT NULL,
       action       text        NOT NULL,
       entity_type  text        NOT NULL,
       entity_id    text        NOT NULL,
       -- the exact text that was hashed; details stay readable without re-serialising them
       canonical    text        NOT NULL,
       prev_hash    char(64)    NOT NULL,
       hash         char(64)    NOT NULL UNIQUE
     )`,
    `CREATE INDEX audit_entry_entity_idx ON "${schema}".audit_entry (entity_type, entity_id, seq)`,
    `CREATE FUNCTION "${schema}".refuse_audit_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$`,
    `CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "${schema}".audit_entry
       FOR EACH ROW EXECUTE FUNCTION "${schema}".refuse_audit_rewrite()`,
  ];
}

export function auditTrailTableDown(schema: string): string[] {
  return [`DROP TABLE "${schema}".audit_entry`, `DROP FUNCTION "${schema}".refuse_audit_rewrite()`];
}

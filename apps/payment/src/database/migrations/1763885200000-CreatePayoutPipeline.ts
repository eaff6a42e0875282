import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayoutPipeline1763885200000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // the creditor name a bank checks against its account holder, from the registration event
    await runner.query(`ALTER TABLE payment.payee ADD COLUMN full_name text`);
    await runner.query(`
      CREATE TABLE payment.payee_account (
        account_id            uuid PRIMARY KEY,
        beneficiary_id        uuid        NOT NULL,
        channel               text        NOT NULL CHECK (channel IN ('bank', 'ewallet')),
        institution_code      text        NOT NULL,
        account_number_masked text        NOT NULL,
        -- sealed by the beneficiary service under the transport key; opened only to write an instruction
        account_number_sealed text,
        priority              integer     NOT NULL,
        status                text        NOT NULL CHECK (status IN ('pending', 'verified', 'rejected', 'replaced')),
        payable_from          timestamptz,
        -- when the state in this row happened at the source, so a late older event never overwrites it
        state_at              timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX payee_account_beneficiary_idx ON payment.payee_account (beneficiary_id, priority)`);

    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_kind_check`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_kind_check CHECK (kind IN ('monthly', 'arrears', 'funeral'))`);
    await runner.query(`
      ALTER TABLE payment.entitlement
        ADD CONSTRAINT entitlement_status_check CHECK (status IN ('awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled')),
        ADD COLUMN paid_channel text CHECK (paid_channel IN ('bank', 'ewallet', 'cash')),
        ADD COLUMN final_reason text,
        ADD COLUMN history_seq integer NOT NULL DEFAULT 0,
        ADD COLUMN history_hash char(64) NOT NULL DEFAULT repeat('0', 64),
        ADD CONSTRAINT entitlement_final_has_reason CHECK (status NOT IN ('held', 'cancelled') OR final_reason IS NOT NULL)`);
    await runner.query(`CREATE INDEX entitlement_status_idx ON payment.entitlement (cycle_id, status)`);

    await runner.query(`ALTER TABLE payment.payout_cycle DROP CONSTRAINT payout_cycle_status_check`);
    await runner.query(`
      ALTER TABLE payment.payout_cycle
        ADD CONSTRAINT payout_cycle_status_check CHECK (status IN ('generated', 'closed')),
        ADD COLUMN closed_by text,
        ADD COLUMN closed_at timestamptz`);
    await runner.query(`
      CREATE TABLE payment.payout_batch (
        id               uuid PRIMARY KEY,
        cycle_id         uuid        NOT NULL REFERENCES payment.payout_cycle (id),
        institution_code text        NOT NULL,
        channel          text        NOT NULL CHECK (channel IN ('bank', 'ewallet', 'cash')),
        status           text        NOT NULL CHECK (status IN ('awaiting_approval', 'dispatched')),
        item_count       integer     NOT NULL,
        total_dong       bigint      NOT NULL,
        -- SHA-256 of the batch's lines (instruction, amount, account): what the approver saw and approved
        content_hash     char(64)    NOT NULL,
        prepared_by      text        NOT NULL,
        prepared_at      timestamptz NOT NULL,
        approved_by      text,
        approved_at      timestamptz,
        approved_hash    char(64),
        CONSTRAINT payout_batch_key UNIQUE (cycle_id, institution_code),
        CONSTRAINT payout_batch_four_eyes CHECK (approved_by IS NULL OR approved_by <> prepared_by)
      )`);

    await runner.query(`
      CREATE TABLE payment.payout_attempt (
        -- deterministic (UUID v5 of entitlement and attempt number): a resend carries the same id
        instruction_id        uuid PRIMARY KEY,
        entitlement_id        uuid        NOT NULL REFERENCES payment.entitlement (id),
        attempt_number        integer     NOT NULL CHECK (attempt_number >= 1),
        batch_id              uuid REFERENCES payment.payout_batch (id),
        channel               text        NOT NULL CHECK (channel IN ('bank', 'ewallet', 'cash')),
        institution_code      text        NOT NULL,
        account_id            uuid,
        account_number_masked text,
        amount_dong           bigint      NOT NULL CHECK (amount_dong > 0),
        status                text        NOT NULL CHECK (status IN ('planned', 'sent', 'accepted', 'retry_wait', 'settled', 'rejected', 'unanswered')),
        send_count            integer     NOT NULL DEFAULT 0,
        reason_code           text,
        last_sent_at          timestamptz,
        resolved_at           timestamptz,
        bank_reference        text,
        CONSTRAINT payout_attempt_number_key UNIQUE (entitlement_id, attempt_number),
        CONSTRAINT payout_attempt_cash_has_no_account CHECK ((channel = 'cash') = (account_id IS NULL))
      )`);
    // the database's own guard against paying twice: at most one open and at most one settled attempt per entitlement
    await runner.query(`CREATE UNIQUE INDEX payout_attempt_one_open ON payment.payout_attempt (entitlement_id) WHERE status IN ('planned', 'sent', 'accepted', 'retry_wait')`);
    await runner.query(`CREATE UNIQUE INDEX payout_attempt_one_settled ON payment.payout_attempt (entitlement_id) WHERE status = 'settled'`);
    await runner.query(`CREATE INDEX payout_attempt_batch_idx ON payment.payout_attempt (batch_id)`);
    await runner.query(`CREATE INDEX payout_attempt_waiting_idx ON payment.payout_attempt (last_sent_at) WHERE status IN ('sent', 'accepted', 'retry_wait')`);

    // Every state change and attempt of every payout, append-only, each row chained to the previous
    // one of the same entitlement (chains per entitlement so concurrent payouts never wait on each other).
    await runner.query(`
      CREATE TABLE payment.payout_event (
        entitlement_id uuid        NOT NULL REFERENCES payment.entitlement (id),
        seq            integer     NOT NULL,
        kind           text        NOT NULL,
        from_status    text,
        to_status      text,
        instruction_id uuid,
        reason_code    text,
        actor          text        NOT NULL,
        occurred_at    timestamptz NOT NULL,
        detail         jsonb       NOT NULL DEFAULT '{}',
        prev_hash      char(64)    NOT NULL,
        hash           char(64)    NOT NULL,
        PRIMARY KEY (entitlement_id, seq)
      )`);
    await runner.query(`CREATE INDEX payout_event_instruction_idx ON payment.payout_event (instruction_id) WHERE instruction_id IS NOT NULL`);
    await runner.query(`
      CREATE FUNCTION payment.payout_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'payout_event is append-only (% refused)', TG_OP;
      END $$`);
    await runner.query(`
      CREATE TRIGGER payout_event_append_only BEFORE UPDATE OR DELETE ON payment.payout_event
        FOR EACH ROW EXECUTE FUNCTION payment.payout_event_append_only()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment.payout_event`);
    await runner.query(`DROP FUNCTION payment.payout_event_append_only()`);
    await runner.query(`DROP TABLE payment.payout_attempt`);
    await runner.query(`DROP TABLE payment.payout_batch`);
    await runner.query(`DROP INDEX payment.entitlement_status_idx`);
    await runner.query(`ALTER TABLE payment.payout_cycle DROP CONSTRAINT payout_cycle_status_check, DROP COLUMN closed_at, DROP COLUMN closed_by`);
    await runner.query(`ALTER TABLE payment.payout_cycle ADD CONSTRAINT payout_cycle_status_check CHECK (status IN ('generated'))`);
    await runner.query(`
      ALTER TABLE payment.entitlement
        DROP CONSTRAINT entitlement_final_has_reason, DROP CONSTRAINT entitlement_status_check,
        DROP COLUMN history_hash, DROP COLUMN history_seq, DROP COLUMN final_reason, DROP COLUMN paid_channel`);
    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_kind_check`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_kind_check CHECK (kind IN ('monthly'))`);
    await runner.query(`DROP TABLE payment.payee_account`);
    await runner.query(`ALTER TABLE payment.payee DROP COLUMN full_name`);
  }
}

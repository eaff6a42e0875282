import type { MigrationInterface, QueryRunner } from 'typeorm';

// Statuses that still hold a priority slot (ACTIVE_PAYMENT_CHANNEL_STATUSES in payment-channel.entity.ts).
const ACTIVE = `('pending_verification', 'verified', 'mismatch_review', 'pending_manual_check')`;

export class CreateAccounts1763884960000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE beneficiary.payment_channel (
        id                    uuid PRIMARY KEY,
        beneficiary_id        uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        channel               text        NOT NULL CHECK (channel IN ('bank', 'ewallet')),
        bank_bin              char(6)     CHECK (bank_bin ~ '^[0-9]{6}$'),
        provider_code         text        CHECK (provider_code ~ '^[A-Z0-9_]{2,30}$'),
        -- the account number exists here only sealed (AES-256-GCM: version | iv | tag | data)
        account_number_cipher bytea       NOT NULL CHECK (length(account_number_cipher) > 29),
        account_last4         char(4)     NOT NULL CHECK (account_last4 ~ '^[0-9]{4}$'),
        account_fingerprint   char(64)    NOT NULL CHECK (account_fingerprint ~ '^[0-9a-f]{64}$'),
        holder_name_from_bank text,
        name_match            text        CHECK (name_match IN ('exact', 'reordered', 'one-typo', 'mismatch')),
        priority              smallint    NOT NULL CHECK (priority BETWEEN 1 AND 9),
        status                text        NOT NULL CHECK (status IN ('pending_verification', 'verified', 'mismatch_review', 'pending_manual_check', 'rejected', 'superseded')),
        status_reason         text,
        consent_method        text        NOT NULL CHECK (consent_method IN ('paper_form', 'vneid', 'in_person')),
        consent_by            text        NOT NULL,
        consent_at            timestamptz NOT NULL,
        payable_from          timestamptz NOT NULL,
        replaces_id           uuid        REFERENCES beneficiary.payment_channel (id),
        change_approved_by    text,
        change_approved_at    timestamptz,
        verification_round    integer     NOT NULL DEFAULT 0,
        verified_at           timestamptz,
        created_by            text        NOT NULL,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_channel_institution CHECK (
          (channel = 'bank' AND bank_bin IS NOT NULL AND provider_code IS NULL) OR
          (channel = 'ewallet' AND provider_code IS NOT NULL AND bank_bin IS NULL)),
        CONSTRAINT payment_channel_approval CHECK ((change_approved_by IS NULL) = (change_approved_at IS NULL)),
        CONSTRAINT payment_channel_verified_at CHECK (status <> 'verified' OR verified_at IS NOT NULL)
      )`);
    // The same account twice for one beneficiary, or two accounts at one priority, is refused by the
    // database, whatever the code does. Only rows that are still in use count: a beneficiary may go
    // back to an account replaced earlier.
    await runner.query(`
      CREATE UNIQUE INDEX payment_channel_account_key ON beneficiary.payment_channel (beneficiary_id, channel, account_fingerprint)
        WHERE status IN ${ACTIVE}`);
    await runner.query(`
      CREATE UNIQUE INDEX payment_channel_priority_key ON beneficiary.payment_channel (beneficiary_id, priority)
        WHERE status IN ${ACTIVE}`);
    // The same account linked to several people (e.g. an officer's own): found without decrypting.
    await runner.query(`CREATE INDEX payment_channel_fingerprint_idx ON beneficiary.payment_channel (account_fingerprint)`);
    await runner.query(`CREATE INDEX payment_channel_pending_idx ON beneficiary.payment_channel (updated_at) WHERE status = 'pending_verification'`);
    await runner.query(`
      CREATE TABLE beneficiary.payment_channel_event (
        id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_channel_id uuid        NOT NULL REFERENCES beneficiary.payment_channel (id),
        beneficiary_id     uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        kind               text        NOT NULL,
        from_status        text,
        to_status          text        NOT NULL,
        detail             jsonb       NOT NULL DEFAULT '{}'::jsonb,
        actor              text        NOT NULL,
        occurred_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX payment_channel_event_channel_idx ON beneficiary.payment_channel_event (payment_channel_id, id)`);
    await runner.query(`CREATE INDEX payment_channel_event_beneficiary_idx ON beneficiary.payment_channel_event (beneficiary_id, id)`);
    // History is append-only, as beneficiary_status_change: the database refuses edits, deletions and
    // truncation. A function of its own, so the error names this table.
    await runner.query(`
      CREATE FUNCTION beneficiary.refuse_payment_channel_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'payment_channel_event is append-only'; END $$`);
    await runner.query(`
      CREATE TRIGGER payment_channel_event_append_only BEFORE UPDATE OR DELETE ON beneficiary.payment_channel_event
      FOR EACH ROW EXECUTE FUNCTION beneficiary.refuse_payment_channel_history_rewrite()`);
    await runner.query(`
      CREATE TRIGGER payment_channel_event_no_truncate BEFORE TRUNCATE ON beneficiary.payment_channel_event
      FOR EACH STATEMENT EXECUTE FUNCTION beneficiary.refuse_payment_channel_history_rewrite()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE beneficiary.payment_channel_event`);
    await runner.query(`DROP FUNCTION beneficiary.refuse_payment_channel_history_rewrite()`);
    await runner.query(`DROP TABLE beneficiary.payment_channel`);
  }
}

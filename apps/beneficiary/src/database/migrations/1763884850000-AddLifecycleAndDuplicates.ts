import type { MigrationInterface, QueryRunner } from 'typeorm';
import { foldVietnameseSql } from '../vietnamese-fold.sql';

export class AddLifecycleAndDuplicates1763884850000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE beneficiary.beneficiary
        ADD COLUMN household_code text CHECK (household_code ~ '^[A-Za-z0-9_-]{1,40}$'),
        -- the folded name ("NGUYEN THI DAO") used to find likely duplicates, computed by the database
        -- so every writer (single registration, bulk import) gets the same key
        ADD COLUMN name_key text GENERATED ALWAYS AS (${foldVietnameseSql('full_name')}) STORED,
        ADD COLUMN cease_reason text CHECK (cease_reason IN ('DECEASED', 'INELIGIBLE', 'MOVED', 'DUPLICATE')),
        ADD COLUMN ceased_effective_date date,
        ADD COLUMN payments_stop_from date,
        ADD CONSTRAINT beneficiary_ceased_has_reason CHECK ((status = 'ceased') = (cease_reason IS NOT NULL))`);
    await runner.query(`CREATE INDEX beneficiary_likely_duplicate_idx ON beneficiary.beneficiary (programme_code, name_key, date_of_birth, commune_code)`);
    await runner.query(`CREATE INDEX beneficiary_name_key_idx ON beneficiary.beneficiary (name_key text_pattern_ops)`);
    await runner.query(`
      CREATE TABLE beneficiary.duplicate_candidate (
        id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        beneficiary_id        uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        possible_duplicate_of uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        rule                  text        NOT NULL,
        status                text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'distinct_people', 'same_person')),
        resolved_by           text,
        resolved_at           timestamptz,
        note                  text,
        created_at            timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT duplicate_candidate_pair_key UNIQUE (beneficiary_id, possible_duplicate_of),
        CONSTRAINT duplicate_candidate_resolution CHECK ((status = 'open') = (resolved_at IS NULL))
      )`);
    await runner.query(`CREATE INDEX duplicate_candidate_open_idx ON beneficiary.duplicate_candidate (status) WHERE status = 'open'`);
    await runner.query(`
      CREATE TABLE beneficiary.identity_verification (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        beneficiary_id uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        source         text        NOT NULL,
        outcome        text        NOT NULL CHECK (outcome IN ('match', 'mismatch', 'not_found', 'deceased')),
        mismatched_fields text[]   NOT NULL DEFAULT '{}',
        checked_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX identity_verification_beneficiary_idx ON beneficiary.identity_verification (beneficiary_id, id)`);
    await runner.query(`
      CREATE TRIGGER identity_verification_append_only BEFORE UPDATE OR DELETE ON beneficiary.identity_verification
      FOR EACH ROW EXECUTE FUNCTION beneficiary.refuse_history_rewrite()`);
    await runner.query(`
      CREATE TABLE beneficiary.registry_feed_cursor (
        feed       text PRIMARY KEY,
        position   bigint      NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE beneficiary.registry_feed_cursor`);
    await runner.query(`DROP TABLE beneficiary.identity_verification`);
    await runner.query(`DROP TABLE beneficiary.duplicate_candidate`);
    await runner.query(`DROP INDEX beneficiary.beneficiary_name_key_idx`);
    await runner.query(`DROP INDEX beneficiary.beneficiary_likely_duplicate_idx`);
    await runner.query(`
      ALTER TABLE beneficiary.beneficiary
        DROP CONSTRAINT beneficiary_ceased_has_reason,
        DROP COLUMN payments_stop_from, DROP COLUMN ceased_effective_date, DROP COLUMN cease_reason,
        DROP COLUMN name_key, DROP COLUMN household_code`);
  }
}

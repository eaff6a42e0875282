import { messagingTablesDown, messagingTablesUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBeneficiaryRegistry1763884800000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE beneficiary.beneficiary (
        id                   uuid PRIMARY KEY,
        cccd                 char(12)    NOT NULL CHECK (cccd ~ '^[0-9]{12}$'),
        full_name            text        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
        date_of_birth        date        NOT NULL,
        gender               text        NOT NULL CHECK (gender IN ('male', 'female')),
        phone                text        CHECK (phone ~ '^0[0-9]{9}$'),
        province_code        char(2)     NOT NULL,
        commune_code         char(5)     NOT NULL,
        legacy_district_code char(3),
        programme_code       text        NOT NULL,
        category_code        text        NOT NULL,
        status               text        NOT NULL CHECK (status IN ('pending_verification', 'active', 'suspended', 'ceased')),
        registered_by        text        NOT NULL,
        registered_at        timestamptz NOT NULL DEFAULT now(),
        -- one beneficiary per citizen per programme, enforced by the database, not only by code
        CONSTRAINT beneficiary_cccd_programme_key UNIQUE (cccd, programme_code)
      )`);
    await runner.query(`CREATE INDEX beneficiary_area_idx ON beneficiary.beneficiary (province_code, commune_code)`);
    await runner.query(`
      CREATE TABLE beneficiary.beneficiary_status_change (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        beneficiary_id uuid        NOT NULL REFERENCES beneficiary.beneficiary (id),
        from_status    text,
        to_status      text        NOT NULL,
        reason_code    text        NOT NULL,
        actor          text        NOT NULL,
        changed_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX beneficiary_status_change_beneficiary_idx ON beneficiary.beneficiary_status_change (beneficiary_id, id)`);
    // History is append-only: the database itself refuses edits and deletions.
    await runner.query(`
      CREATE FUNCTION beneficiary.refuse_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'beneficiary_status_change is append-only'; END $$`);
    await runner.query(`
      CREATE TRIGGER beneficiary_status_change_append_only BEFORE UPDATE OR DELETE ON beneficiary.beneficiary_status_change
      FOR EACH ROW EXECUTE FUNCTION beneficiary.refuse_history_rewrite()`);
    for (const statement of messagingTablesUp('beneficiary')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of messagingTablesDown('beneficiary')) await runner.query(statement);
    await runner.query(`DROP TABLE beneficiary.beneficiary_status_change`);
    await runner.query(`DROP FUNCTION beneficiary.refuse_history_rewrite()`);
    await runner.query(`DROP TABLE beneficiary.beneficiary`);
  }
}

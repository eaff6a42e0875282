import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules as dated data with history, one-off entitlements (funeral support, arrears) in their own
 * cycles, the funeral claimant, and officers' release proposals for held payouts.
 */
export class EntitlementRulesAndDecisions1763911000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // Whether the registry had confirmed the person before a cease: only a confirmed beneficiary is paid
    // for the month of cease, and only one opens funeral support.
    await runner.query(`ALTER TABLE payment.payee ADD COLUMN registered_status text CHECK (registered_status IN ('pending_verification', 'active'))`);
    await runner.query(`
      UPDATE payment.payee p SET registered_status = CASE
          WHEN p.status IN ('active', 'suspended')
            OR EXISTS (SELECT 1 FROM payment.payee_status_change c WHERE c.beneficiary_id = p.beneficiary_id AND c.to_status = 'active')
            OR EXISTS (SELECT 1 FROM payment.entitlement e WHERE e.beneficiary_id = p.beneficiary_id)
          THEN 'active' ELSE 'pending_verification' END`);

    // the date of death decides the funeral support's level; older rows predate it and stay null
    await runner.query(`ALTER TABLE payment.payee_status_change ADD COLUMN effective_date date`);

    // A level is never edited: a correction is a newer row for the same date, and the newest recorded wins.
    await runner.query(`DROP INDEX payment.allowance_standard_level_key`);
    await runner.query(`
      ALTER TABLE payment.allowance_standard_level
        ADD COLUMN recorded_by text        NOT NULL DEFAULT 'seed:migration',
        ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now()`);
    await runner.query(`CREATE INDEX allowance_standard_level_lookup_idx ON payment.allowance_standard_level (programme_code, province_code, effective_from, id)`);
    await runner.query(`
      CREATE FUNCTION payment.rule_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only (% refused): record a new dated row instead', TG_TABLE_NAME, TG_OP;
      END $$`);
    await runner.query(`
      CREATE TRIGGER allowance_standard_level_append_only BEFORE UPDATE OR DELETE ON payment.allowance_standard_level
        FOR EACH ROW EXECUTE FUNCTION payment.rule_history_append_only()`);

    // Decree 20/2021 Art. 11: funeral support = a multiple of the standard level in force at the date of death.
    // Only programmes with a row here open it (the meritorious-people programme has its own funeral rules).
    await runner.query(`
      CREATE TABLE payment.funeral_support_rule (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        programme_code text   NOT NULL,
        effective_from date   NOT NULL CHECK (extract(day FROM effective_from) = 1),
        level_multiple integer NOT NULL CHECK (level_multiple > 0),
        legal_basis    text   NOT NULL,
        CONSTRAINT funeral_support_rule_key UNIQUE (programme_code, effective_from)
      )`);
    await runner.query(`INSERT INTO payment.funeral_support_rule (programme_code, effective_from, level_multiple, legal_basis) VALUES ('TC_XH', '2021-07-01', 20, 'Nghị định 20/2021/NĐ-CP, Điều 11')`);

    // One-off cycles carry one-off entitlements so they get their own batches and conservation.
    await runner.query(`DROP INDEX payment.payout_cycle_key`);
    await runner.query(`
      ALTER TABLE payment.payout_cycle
        ADD COLUMN kind text NOT NULL DEFAULT 'monthly' CHECK (kind IN ('monthly', 'funeral', 'arrears')),
        ADD COLUMN one_off_key text,
        ADD CONSTRAINT payout_cycle_one_off_key UNIQUE (one_off_key),
        ADD CONSTRAINT payout_cycle_one_off_has_key CHECK ((kind = 'monthly') = (one_off_key IS NULL))`);
    await runner.query(`CREATE UNIQUE INDEX payout_cycle_key ON payment.payout_cycle (programme_code, province_code, coalesce(commune_code, '-----'), period) WHERE kind = 'monthly'`);

    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_status_check`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_status_check CHECK (status IN ('awaiting_claim', 'awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled'))`);
    await runner.query(`ALTER TABLE payment.entitlement ADD COLUMN arrears_rule_id bigint REFERENCES payment.allowance_standard_level (id)`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_arrears_has_rule CHECK ((kind = 'arrears') = (arrears_rule_id IS NOT NULL))`);
    // arrears: once per person, programme, month and rule version, so re-running a level change never pays twice
    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_once_per_month`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_once_per_month UNIQUE NULLS NOT DISTINCT (beneficiary_id, programme_code, period, kind, arrears_rule_id)`);
    await runner.query(`CREATE UNIQUE INDEX entitlement_one_funeral ON payment.entitlement (beneficiary_id) WHERE kind = 'funeral'`);
    await runner.query(`CREATE INDEX entitlement_beneficiary_idx ON payment.entitlement (beneficiary_id, programme_code, period)`);

    // Who organises the funeral and is paid; the deceased's own accounts are frozen and never used.
    await runner.query(`
      CREATE TABLE payment.funeral_claim (
        entitlement_id        uuid PRIMARY KEY REFERENCES payment.entitlement (id),
        claimant_full_name    text        NOT NULL,
        claimant_cccd         char(12)    NOT NULL,
        claimant_date_of_birth date       NOT NULL,
        claimant_gender       text        NOT NULL CHECK (claimant_gender IN ('male', 'female')),
        relationship          text        NOT NULL,
        channel               text        NOT NULL CHECK (channel IN ('bank', 'ewallet', 'cash')),
        institution_code      text        NOT NULL,
        account_id            uuid,
        account_number_masked text,
        -- sealed under the transport key like the registry's accounts, opened only to write an instruction
        account_number_sealed text,
        recorded_by           text        NOT NULL,
        recorded_at           timestamptz NOT NULL,
        CONSTRAINT funeral_claim_cash_has_no_account CHECK ((channel = 'cash') = (account_id IS NULL))
      )`);

    await runner.query(`
      CREATE TABLE payment.payout_release (
        id                    uuid PRIMARY KEY,
        entitlement_id        uuid        NOT NULL REFERENCES payment.entitlement (id),
        channel               text        NOT NULL CHECK (channel IN ('bank', 'ewallet', 'cash')),
        institution_code      text        NOT NULL,
        account_id            uuid,
        account_number_masked text,
        note                  text        NOT NULL,
        status                text        NOT NULL CHECK (status IN ('proposed', 'approved', 'withdrawn')),
        proposed_by           text        NOT NULL,
        proposed_at           timestamptz NOT NULL,
        decided_by            text,
        decided_at            timestamptz,
        instruction_id        uuid,
        CONSTRAINT payout_release_four_eyes CHECK (status <> 'approved' OR decided_by <> proposed_by)
      )`);
    await runner.query(`CREATE UNIQUE INDEX payout_release_one_open ON payment.payout_release (entitlement_id) WHERE status = 'proposed'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment.payout_release`);
    await runner.query(`DROP TABLE payment.funeral_claim`);
    await runner.query(`DROP INDEX payment.entitlement_beneficiary_idx`);
    await runner.query(`DROP INDEX payment.entitlement_one_funeral`);
    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_once_per_month`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_once_per_month UNIQUE (beneficiary_id, programme_code, period, kind)`);
    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_arrears_has_rule, DROP COLUMN arrears_rule_id`);
    await runner.query(`ALTER TABLE payment.entitlement DROP CONSTRAINT entitlement_status_check`);
    await runner.query(`ALTER TABLE payment.entitlement ADD CONSTRAINT entitlement_status_check CHECK (status IN ('awaiting_approval', 'in_flight', 'paid', 'held', 'cancelled'))`);
    await runner.query(`DROP INDEX payment.payout_cycle_key`);
    await runner.query(`ALTER TABLE payment.payout_cycle DROP CONSTRAINT payout_cycle_one_off_has_key, DROP CONSTRAINT payout_cycle_one_off_key, DROP COLUMN one_off_key, DROP COLUMN kind`);
    await runner.query(`CREATE UNIQUE INDEX payout_cycle_key ON payment.payout_cycle (programme_code, province_code, coalesce(commune_code, '-----'), period)`);
    await runner.query(`DROP TABLE payment.funeral_support_rule`);
    await runner.query(`DROP TRIGGER allowance_standard_level_append_only ON payment.allowance_standard_level`);
    await runner.query(`DROP FUNCTION payment.rule_history_append_only()`);
    await runner.query(`DROP INDEX payment.allowance_standard_level_lookup_idx`);
    await runner.query(`ALTER TABLE payment.allowance_standard_level DROP COLUMN recorded_at, DROP COLUMN recorded_by`);
    await runner.query(`CREATE UNIQUE INDEX allowance_standard_level_key ON payment.allowance_standard_level (programme_code, coalesce(province_code, '--'), effective_from)`);
    await runner.query(`ALTER TABLE payment.payee_status_change DROP COLUMN effective_date`);
    await runner.query(`ALTER TABLE payment.payee DROP COLUMN registered_status`);
  }
}

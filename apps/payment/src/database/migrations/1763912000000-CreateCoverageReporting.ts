import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cashless coverage (domain notes, "Coverage, defined"), computed from the facts payment already keeps:
 * entitlements of a cycle, their payout attempts, the payee and its accounts. docs/reporting.md says why
 * the live views feed a per-period summary table rather than being read directly.
 */
export class CreateCoverageReporting1763912000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // Two facts the reasons for cash need and payment did not keep: the person's own choice of cash
    // (beneficiary.registered, optional field) and why the registry rejected an account (account.rejected).
    await runner.query(`ALTER TABLE payment.payee ADD COLUMN payment_preference text NOT NULL DEFAULT 'account' CHECK (payment_preference IN ('account', 'cash'))`);
    await runner.query(`ALTER TABLE payment.payee_account ADD COLUMN rejection_reason text`);
    await runner.query(`CREATE INDEX payout_cycle_period_idx ON payment.payout_cycle (period)`);
    // Refusals of an account are rare next to settled payments: a small partial index answers "was this
    // cash payment a fallback?" without reading every attempt of every month.
    await runner.query(`
      CREATE INDEX payout_attempt_account_refused_idx ON payment.payout_attempt (entitlement_id, attempt_number DESC)
        INCLUDE (reason_code) WHERE channel <> 'cash' AND status IN ('rejected', 'unanswered')`);

    // One row per entitlement of a cycle. A payment counts in the month of its cycle (arrears for
    // earlier months count when they are paid). Districts were abolished on 1 July 2025: the legacy
    // district is a dimension of earlier months only.
    await runner.query(`
      CREATE VIEW payment.coverage_entitlement_v AS
      SELECT c.period,
             e.programme_code,
             -- the cycle's province (an entitlement's is the same): lets a province's month start from its cycles
             c.province_code,
             e.commune_code,
             CASE WHEN c.period < '2025-07' THEN p.legacy_district_code END AS legacy_district_code,
             e.id AS entitlement_id,
             e.beneficiary_id,
             e.kind,
             e.amount_dong,
             e.status,
             e.paid_channel,
             CASE
               WHEN e.status <> 'paid' OR e.paid_channel <> 'cash' THEN NULL
               WHEN refused.reason_code IS NOT NULL THEN 'bank_rejected'
               WHEN p.payment_preference = 'cash' THEN 'chose_cash'
               WHEN acc.name_mismatch THEN 'name_mismatch'
               WHEN acc.has_open_account THEN 'account_pending'
               ELSE 'no_account'
             END AS cash_reason,
             refused.reason_code AS bank_reason_code,
             coalesce(acc.first_payable_at < (c.period || '-01')::date + interval '1 month', false) AS account_ready
        FROM payment.payout_cycle c
        JOIN payment.entitlement e ON e.cycle_id = c.id
        JOIN payment.payee p ON p.beneficiary_id = e.beneficiary_id
        -- probed per entitlement (and only for payments made in cash), so a province's or a commune's
        -- month costs in proportion to its own rows; see docs/reporting.md for the national price
        LEFT JOIN LATERAL (
          SELECT a.reason_code
            FROM payment.payout_attempt a
           WHERE a.entitlement_id = e.id AND e.status = 'paid' AND e.paid_channel = 'cash'
             AND a.channel <> 'cash' AND a.status IN ('rejected', 'unanswered')
           ORDER BY a.attempt_number DESC LIMIT 1
        ) refused ON true
        LEFT JOIN LATERAL (
          SELECT min(pa.payable_from) FILTER (WHERE pa.status IN ('verified', 'replaced')) AS first_payable_at,
                 bool_or(pa.status = 'rejected' AND pa.rejection_reason = 'NAME_MISMATCH') AS name_mismatch,
                 bool_or(pa.status IN ('pending', 'verified')) AS has_open_account
            FROM payment.payee_account pa
           WHERE pa.beneficiary_id = e.beneficiary_id
        ) acc ON true
       WHERE e.status <> 'cancelled'`);

    // Per period × programme × province × commune (× legacy district): people are counted once
    // however many payments they had in the month; a person is cashless only if every payment they
    // received in the month went through an account, and a person paid in cash has one reason, the
    // first that applies in the order of the CASE above (a fallback explains more than a missing account).
    await runner.query(`
      CREATE VIEW payment.coverage_area_v AS
      WITH person AS (
        SELECT period, programme_code, province_code, commune_code, legacy_district_code, beneficiary_id,
               bool_or(status = 'paid') AS paid,
               coalesce(bool_and(paid_channel <> 'cash') FILTER (WHERE status = 'paid'), false) AS cashless,
               coalesce(sum(amount_dong) FILTER (WHERE status = 'paid'), 0) AS amount_paid,
               coalesce(sum(amount_dong) FILTER (WHERE status = 'paid' AND paid_channel <> 'cash'), 0) AS amount_cashless,
               min(CASE cash_reason WHEN 'bank_rejected' THEN 1 WHEN 'chose_cash' THEN 2 WHEN 'name_mismatch' THEN 3
                                    WHEN 'account_pending' THEN 4 WHEN 'no_account' THEN 5 END) AS reason_rank,
               bool_or(account_ready) AS ready
          FROM payment.coverage_entitlement_v
         GROUP BY period, programme_code, province_code, commune_code, legacy_district_code, beneficiary_id
      )
      SELECT period, programme_code, province_code, commune_code, legacy_district_code,
             count(*)::int AS beneficiaries,
             count(*) FILTER (WHERE paid)::int AS paid,
             count(*) FILTER (WHERE paid AND cashless)::int AS paid_cashless,
             sum(amount_paid)::bigint AS amount_paid_dong,
             sum(amount_cashless)::bigint AS amount_cashless_dong,
             count(*) FILTER (WHERE ready)::int AS account_ready,
             count(*) FILTER (WHERE NOT paid)::int AS not_yet_paid,
             count(*) FILTER (WHERE paid AND NOT cashless AND reason_rank = 1)::int AS cash_bank_rejected,
             count(*) FILTER (WHERE paid AND NOT cashless AND reason_rank = 2)::int AS cash_chose_cash,
             count(*) FILTER (WHERE paid AND NOT cashless AND reason_rank = 3)::int AS cash_name_mismatch,
             count(*) FILTER (WHERE paid AND NOT cashless AND reason_rank = 4)::int AS cash_account_pending,
             count(*) FILTER (WHERE paid AND NOT cashless AND reason_rank = 5)::int AS cash_no_account
        FROM person
       GROUP BY period, programme_code, province_code, commune_code, legacy_district_code`);

    // What reports read: the view's rows kept per period, refreshed slice by slice (period, province,
    // programme). A cycle's slice is refreshed in the transaction that closes it; any slice on demand.
    await runner.query(`
      CREATE TABLE payment.coverage_summary (
        period               char(7)     NOT NULL,
        programme_code       text        NOT NULL,
        province_code        char(2)     NOT NULL,
        commune_code         char(5)     NOT NULL,
        legacy_district_code char(3),
        beneficiaries        integer     NOT NULL,
        paid                 integer     NOT NULL,
        paid_cashless        integer     NOT NULL,
        amount_paid_dong     bigint      NOT NULL,
        amount_cashless_dong bigint      NOT NULL,
        account_ready        integer     NOT NULL,
        not_yet_paid         integer     NOT NULL,
        cash_bank_rejected   integer     NOT NULL,
        cash_chose_cash      integer     NOT NULL,
        cash_name_mismatch   integer     NOT NULL,
        cash_account_pending integer     NOT NULL,
        cash_no_account      integer     NOT NULL,
        refreshed_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coverage_summary_cashless_within_paid CHECK (paid_cashless <= paid AND amount_cashless_dong <= amount_paid_dong)
      )`);
    await runner.query(`CREATE UNIQUE INDEX coverage_summary_key ON payment.coverage_summary (period, province_code, programme_code, commune_code, coalesce(legacy_district_code, '---'))`);
    await runner.query(`
      CREATE FUNCTION payment.refresh_coverage(p_period char(7), p_province char(2) DEFAULT NULL, p_programme text DEFAULT NULL) RETURNS integer
      -- the per-person grouping of a national month sorts a million rows: let it sort in memory
      LANGUAGE plpgsql SET work_mem = '64MB' AS $$
      DECLARE refreshed integer;
      BEGIN
        DELETE FROM payment.coverage_summary
         WHERE period = p_period AND (p_province IS NULL OR province_code = p_province) AND (p_programme IS NULL OR programme_code = p_programme);
        INSERT INTO payment.coverage_summary (period, programme_code, province_code, commune_code, legacy_district_code, beneficiaries, paid, paid_cashless,
                                              amount_paid_dong, amount_cashless_dong, account_ready, not_yet_paid, cash_bank_rejected, cash_chose_cash,
                                              cash_name_mismatch, cash_account_pending, cash_no_account)
        SELECT period, programme_code, province_code, commune_code, legacy_district_code, beneficiaries, paid, paid_cashless,
               amount_paid_dong, amount_cashless_dong, account_ready, not_yet_paid, cash_bank_rejected, cash_chose_cash,
               cash_name_mismatch, cash_account_pending, cash_no_account
          FROM payment.coverage_area_v
         WHERE period = p_period AND (p_province IS NULL OR province_code = p_province) AND (p_programme IS NULL OR programme_code = p_programme);
        GET DIAGNOSTICS refreshed = ROW_COUNT;
        RETURN refreshed;
      END $$`);
    await runner.query(`
      CREATE FUNCTION payment.refresh_coverage_on_cycle_close() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM payment.refresh_coverage(NEW.period, NEW.province_code, NEW.programme_code);
        RETURN NEW;
      END $$`);
    await runner.query(`
      CREATE TRIGGER payout_cycle_closed_refreshes_coverage AFTER UPDATE OF status ON payment.payout_cycle
        FOR EACH ROW WHEN (NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed') EXECUTE FUNCTION payment.refresh_coverage_on_cycle_close()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER payout_cycle_closed_refreshes_coverage ON payment.payout_cycle`);
    await runner.query(`DROP FUNCTION payment.refresh_coverage_on_cycle_close()`);
    await runner.query(`DROP FUNCTION payment.refresh_coverage(char, char, text)`);
    await runner.query(`DROP TABLE payment.coverage_summary`);
    await runner.query(`DROP VIEW payment.coverage_area_v`);
    await runner.query(`DROP VIEW payment.coverage_entitlement_v`);
    await runner.query(`DROP INDEX payment.payout_attempt_account_refused_idx`);
    await runner.query(`DROP INDEX payment.payout_cycle_period_idx`);
    await runner.query(`ALTER TABLE payment.payee_account DROP COLUMN rejection_reason`);
    await runner.query(`ALTER TABLE payment.payee DROP COLUMN payment_preference`);
  }
}

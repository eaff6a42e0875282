// Writes realistic payment rows (payees, accounts, cycles, entitlements, payout attempts) straight
// into the payment schema with generate_series, so the coverage views have months of history to read.
// Deterministic (ids are hashes of the seed) and idempotent (ON CONFLICT DO NOTHING): loading a
// scenario twice leaves the same rows. Used by the demo (scripts/demo/load-coverage-demo.mjs) and the
// benchmark (bench/run-coverage-bench.mjs); the coverage figures are whatever the views compute.

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Thị', 'Văn', 'Đình', 'Hữu', 'Xuân', 'Thị Thu', 'Quang', 'Minh', 'Thị Kim', 'Công'];
const GIVEN = ['Đào', 'Lan', 'Hoa', 'Hùng', 'Dũng', 'Mai', 'Cúc', 'Tâm', 'Sơn', 'Hương', 'Thắng', 'Nga', 'Bình', 'Lộc', 'Hạnh', 'Tư'];

/**
 * @param {import('pg').Client} client
 * @param {{
 *   seed: string, programmeCode: string, level: number,
 *   communes: Array<{ provinceCode: string, code: string, legacyDistrict: string | null }>,
 *   people: number, periods: string[], cashlessByPeriod: number[],
 *   cccdProvince: string, bankBin?: string,
 * }} scenario cashlessByPeriod[k] people are paid through an account in periods[k] (non-decreasing)
 */
export async function loadCoverageScenario(client, scenario) {
  const { seed, programmeCode, communes, people, periods, cashlessByPeriod, cccdProvince } = scenario;
  const bankBin = scenario.bankBin ?? '970405';
  const last = cashlessByPeriod[cashlessByPeriod.length - 1];
  await client.query('BEGIN');
  try {
    // Urban wards come first in the official list and get accounts first: coverage varies by commune
    // the way it does on the ground, while the province's total stays exactly as given.
    await client.query(`DROP TABLE IF EXISTS pg_temp.cov_person`);
    // Who is never cashless in the window, and why: a small share chose cash, some accounts failed the
    // name check or wait for verification, some are refused by the bank; most have no account at all.
    await client.query(
      `CREATE TEMP TABLE cov_person ON COMMIT DROP AS
       WITH base AS (
         SELECT i,
                1 + (i::bigint * 7919) % cardinality($2::text[]) AS commune_index,
                abs(hashtext($1 || ':h:' || i)::bigint) % 100 AS h,
                abs(hashtext($1 || ':r:' || i)::bigint) % 1000 AS r
           FROM generate_series(1, $3::int) AS i
       ), ranked AS (
         SELECT i, md5($1 || ':payee:' || i)::uuid AS beneficiary_id,
                ($2::text[])[commune_index] AS commune_code,
                ($4::text[])[commune_index] AS province_code,
                ($5::text[])[commune_index] AS legacy_district_code,
                h,
                row_number() OVER (ORDER BY r * (1 + 3.0 * commune_index / cardinality($2::text[])), i) AS rank
           FROM base
       )
       SELECT ranked.*,
              CASE WHEN rank <= $8 THEN 'cashless' WHEN h < 6 THEN 'chose_cash' WHEN h < 10 THEN 'name_mismatch'
                   WHEN h < 15 THEN 'account_pending' WHEN h < 18 THEN 'bank_rejected' ELSE 'no_account' END AS profile,
              -- the first period in which a cashless person was paid through their account
              (SELECT min(p) FROM unnest($6::text[], $7::int[]) AS t(p, c) WHERE rank <= c) AS first_period
         FROM ranked`,
      [seed, communes.map((c) => c.code), people, communes.map((c) => c.provinceCode), communes.map((c) => c.legacyDistrict), periods, cashlessByPeriod, last],
    );
    await client.query(
      `INSERT INTO payment.payee (beneficiary_id, cccd, programme_code, category_code, province_code, commune_code, legacy_district_code,
                                  status, registered_at, source_event_id, full_name, payment_preference, status_changed_at)
       SELECT beneficiary_id,
              $2 || CASE WHEN h % 2 = 0 THEN '1' ELSE '0' END || lpad(((30 + h % 14))::text, 2, '0') || lpad((i % 1000000)::text, 6, '0'),
              $3, CASE WHEN h < 60 THEN 'NCT_80' WHEN h < 85 THEN 'KT_NANG' WHEN h < 95 THEN 'KT_DB_NANG' ELSE 'TRE_KT_DB_NANG' END,
              province_code, commune_code, legacy_district_code, 'active', $4::date - interval '2 years', md5($1 || ':reg:' || i)::uuid,
              ($5::text[])[1 + i % cardinality($5::text[])] || ' ' || ($6::text[])[1 + (i / 7) % cardinality($6::text[])] || ' ' || ($7::text[])[1 + (i / 3) % cardinality($7::text[])],
              CASE WHEN profile = 'chose_cash' THEN 'cash' ELSE 'account' END, $4::date - interval '2 years'
         FROM cov_person
       ON CONFLICT (beneficiary_id) DO NOTHING`,
      [seed, cccdProvince, programmeCode, `${periods[0]}-01`, FAMILY, MIDDLE, GIVEN],
    );
    await client.query(
      `INSERT INTO payment.payee_account (account_id, beneficiary_id, channel, institution_code, account_number_masked, priority, status,
                                          payable_from, state_at, rejection_reason)
       SELECT md5($1 || ':account:' || i)::uuid, beneficiary_id, 'bank', $2, '****' || lpad((i % 10000)::text, 4, '0'), 1,
              CASE profile WHEN 'name_mismatch' THEN 'rejected' WHEN 'account_pending' THEN 'pending' ELSE 'verified' END,
              CASE profile WHEN 'cashless' THEN (first_period || '-01')::date - interval '3 days'
                           WHEN 'bank_rejected' THEN $3::date - interval '1 year' END,
              $3::date - interval '1 year',
              CASE profile WHEN 'name_mismatch' THEN 'NAME_MISMATCH' END
         FROM cov_person WHERE profile IN ('cashless', 'name_mismatch', 'account_pending', 'bank_rejected')
       ON CONFLICT (account_id) DO NOTHING`,
      [seed, bankBin, `${periods[0]}-01`],
    );
    for (const period of periods) await loadPeriod(client, scenario, period, bankBin);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

async function loadPeriod(client, { seed, programmeCode, level }, period, bankBin) {
  await client.query(
    `INSERT INTO payment.payout_cycle (id, programme_code, province_code, commune_code, period, status, entitled_count, entitled_dong, excluded_count, created_by, closed_by, closed_at)
     SELECT md5($1 || ':cycle:' || province_code || ':' || $3)::uuid, $2, province_code, NULL, $3, 'closed', 0, 0, 0, 'demo:coverage', 'demo:coverage', ($3 || '-28')::date
       FROM (SELECT DISTINCT province_code FROM cov_person) p
     ON CONFLICT DO NOTHING`,
    [seed, programmeCode, period],
  );
  await client.query(
    `INSERT INTO payment.entitlement (id, cycle_id, beneficiary_id, programme_code, period, kind, amount_dong, level_dong, coefficient_milli,
                                      province_code, commune_code, status, paid_channel)
     SELECT md5($1 || ':ent:' || $3 || ':' || i)::uuid, md5($1 || ':cycle:' || province_code || ':' || $3)::uuid, beneficiary_id, $2, $3, 'monthly',
            $4::bigint * coefficient / 1000, $4, coefficient, province_code, commune_code, 'paid',
            CASE WHEN profile = 'cashless' AND first_period <= $3 THEN 'bank' ELSE 'cash' END
       FROM (SELECT *, CASE WHEN h < 60 THEN 1000 WHEN h < 85 THEN 1500 WHEN h < 95 THEN 2000 ELSE 2500 END AS coefficient FROM cov_person) p
     ON CONFLICT DO NOTHING`,
    [seed, programmeCode, period, level],
  );
  // attempt 1 goes to the verified account if there is a payable one, else to cash; a refusal by the
  // bank is followed by attempt 2 in cash (the fallback), never by nothing
  await client.query(
    `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, channel, institution_code, account_id, account_number_masked,
                                         amount_dong, status, send_count, reason_code, last_sent_at, resolved_at)
     SELECT md5($1 || ':att1:' || $2 || ':' || i)::uuid, md5($1 || ':ent:' || $2 || ':' || i)::uuid, 1,
            CASE WHEN to_account THEN 'bank' ELSE 'cash' END,
            CASE WHEN to_account THEN $3 ELSE 'VNPOST' END,
            CASE WHEN to_account THEN md5($1 || ':account:' || i)::uuid END,
            CASE WHEN to_account THEN '****' || lpad((i % 10000)::text, 4, '0') END,
            $4::bigint * CASE WHEN h < 60 THEN 1000 WHEN h < 85 THEN 1500 WHEN h < 95 THEN 2000 ELSE 2500 END / 1000,
            CASE WHEN profile = 'bank_rejected' THEN 'rejected' ELSE 'settled' END, 1,
            CASE WHEN profile = 'bank_rejected' THEN 'AC06' END,
            ($2 || '-05')::date, ($2 || '-06')::date
       FROM (SELECT *, (profile = 'cashless' AND first_period <= $2) OR profile = 'bank_rejected' AS to_account FROM cov_person) p
     ON CONFLICT DO NOTHING`,
    [seed, period, bankBin, level],
  );
  await client.query(
    `INSERT INTO payment.payout_attempt (instruction_id, entitlement_id, attempt_number, channel, institution_code, amount_dong, status, send_count, last_sent_at, resolved_at)
     SELECT md5($1 || ':att2:' || $2 || ':' || p.i)::uuid, md5($1 || ':ent:' || $2 || ':' || p.i)::uuid, 2, 'cash', 'VNPOST',
            $3::bigint * CASE WHEN h < 60 THEN 1000 WHEN h < 85 THEN 1500 WHEN h < 95 THEN 2000 ELSE 2500 END / 1000, 'settled', 1,
            ($2 || '-07')::date, ($2 || '-12')::date
       FROM cov_person p WHERE p.profile = 'bank_rejected'
     ON CONFLICT DO NOTHING`,
    [seed, period, level],
  );
  await client.query(
    `UPDATE payment.payout_cycle c SET entitled_count = t.n, entitled_dong = t.dong
       FROM (SELECT cycle_id, count(*) AS n, sum(amount_dong) AS dong FROM payment.entitlement
              WHERE cycle_id IN (SELECT md5($1 || ':cycle:' || province_code || ':' || $2)::uuid FROM (SELECT DISTINCT province_code FROM cov_person) p)
              GROUP BY cycle_id) t
      WHERE c.id = t.cycle_id`,
    [seed, period],
  );
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCyclesAndEntitlements1763885000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment.allowance_standard_level (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        programme_code text   NOT NULL,
        province_code  char(2),
        effective_from date   NOT NULL CHECK (extract(day FROM effective_from) = 1),
        amount_dong    bigint NOT NULL CHECK (amount_dong > 0),
        legal_basis    text   NOT NULL
      )`);
    await runner.query(`CREATE UNIQUE INDEX allowance_standard_level_key ON payment.allowance_standard_level (programme_code, coalesce(province_code, '--'), effective_from)`);
    await runner.query(`
      CREATE TABLE payment.allowance_coefficient (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        programme_code    text    NOT NULL,
        category_code     text    NOT NULL,
        effective_from    date    NOT NULL CHECK (extract(day FROM effective_from) = 1),
        coefficient_milli integer NOT NULL CHECK (coefficient_milli > 0),
        label_vi          text    NOT NULL,
        legal_basis       text    NOT NULL,
        CONSTRAINT allowance_coefficient_key UNIQUE (programme_code, category_code, effective_from)
      )`);
    // The national figures of the decrees; provinces add their own higher levels as rows.
    await runner.query(`
      INSERT INTO payment.allowance_standard_level (programme_code, province_code, effective_from, amount_dong, legal_basis) VALUES
        ('TC_XH', NULL, '2021-07-01', 360000, 'Nghị định 20/2021/NĐ-CP'),
        ('TC_XH', NULL, '2024-07-01', 500000, 'Nghị định 76/2024/NĐ-CP'),
        ('NCC',   NULL, '2024-07-01', 2789000, 'Nghị định 77/2024/NĐ-CP')`);
    await runner.query(`
      INSERT INTO payment.allowance_coefficient (programme_code, category_code, effective_from, coefficient_milli, label_vi, legal_basis) VALUES
        ('TC_XH', 'NCT_80',         '2021-07-01', 1000, 'Người từ đủ 80 tuổi không có lương hưu', 'Nghị định 20/2021/NĐ-CP'),
        ('TC_XH', 'KT_NANG',        '2021-07-01', 1500, 'Người khuyết tật nặng', 'Nghị định 20/2021/NĐ-CP'),
        ('TC_XH', 'KT_DB_NANG',     '2021-07-01', 2000, 'Người khuyết tật đặc biệt nặng', 'Nghị định 20/2021/NĐ-CP'),
        ('TC_XH', 'TRE_KT_DB_NANG', '2021-07-01', 2500, 'Trẻ em hoặc người cao tuổi khuyết tật đặc biệt nặng', 'Nghị định 20/2021/NĐ-CP'),
        ('NCC',   'NCC',            '2024-07-01', 1000, 'Người có công với cách mạng (mức chuẩn)', 'Nghị định 77/2024/NĐ-CP')`);
    await runner.query(`
      CREATE TABLE payment.payout_cycle (
        id             uuid PRIMARY KEY,
        programme_code text        NOT NULL,
        province_code  char(2)     NOT NULL,
        commune_code   char(5),
        period         char(7)     NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        status         text        NOT NULL CHECK (status IN ('generated')),
        entitled_count integer     NOT NULL,
        entitled_dong  bigint      NOT NULL,
        excluded_count integer     NOT NULL,
        created_by     text        NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    // one cycle per programme, area and month: re-running the schedule finds it instead of making another
    await runner.query(`CREATE UNIQUE INDEX payout_cycle_key ON payment.payout_cycle (programme_code, province_code, coalesce(commune_code, '-----'), period)`);
    await runner.query(`
      CREATE TABLE payment.entitlement (
        id                uuid PRIMARY KEY,
        cycle_id          uuid        NOT NULL REFERENCES payment.payout_cycle (id),
        beneficiary_id    uuid        NOT NULL,
        programme_code    text        NOT NULL,
        period            char(7)     NOT NULL,
        kind              text        NOT NULL CHECK (kind IN ('monthly')),
        amount_dong       bigint      NOT NULL CHECK (amount_dong > 0),
        level_dong        bigint      NOT NULL,
        coefficient_milli integer     NOT NULL,
        province_code     char(2)     NOT NULL,
        commune_code      char(5)     NOT NULL,
        status            text        NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        -- the guard against paying a month twice: one monthly entitlement per person, programme and month
        CONSTRAINT entitlement_once_per_month UNIQUE (beneficiary_id, programme_code, period, kind)
      )`);
    await runner.query(`CREATE INDEX entitlement_cycle_idx ON payment.entitlement (cycle_id)`);
    await runner.query(`
      CREATE TABLE payment.cycle_exclusion (
        cycle_id       uuid NOT NULL REFERENCES payment.payout_cycle (id),
        beneficiary_id uuid NOT NULL,
        reason_code    text NOT NULL CHECK (reason_code IN ('NOT_VERIFIED', 'SUSPENDED', 'CEASED', 'NO_RULE', 'ALREADY_ENTITLED')),
        PRIMARY KEY (cycle_id, beneficiary_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['cycle_exclusion', 'entitlement', 'payout_cycle', 'allowance_coefficient', 'allowance_standard_level']) {
      await runner.query(`DROP TABLE payment.${table}`);
    }
  }
}

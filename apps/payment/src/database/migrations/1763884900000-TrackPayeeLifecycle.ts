import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrackPayeeLifecycle1763884900000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE payment.payee
        ADD COLUMN cease_reason text,
        ADD COLUMN payments_stop_from date,
        -- when the registry's status in this row happened, so an older event arriving late never overwrites a newer one
        ADD COLUMN status_changed_at timestamptz`);
    await runner.query(`
      CREATE TABLE payment.payee_status_change (
        event_id           uuid PRIMARY KEY,
        beneficiary_id     uuid        NOT NULL,
        to_status          text        NOT NULL CHECK (to_status IN ('active', 'suspended', 'ceased')),
        reason_code        text        NOT NULL,
        payments_stop_from date,
        occurred_at        timestamptz NOT NULL,
        received_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX payee_status_change_beneficiary_idx ON payment.payee_status_change (beneficiary_id, occurred_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment.payee_status_change`);
    await runner.query(`ALTER TABLE payment.payee DROP COLUMN status_changed_at, DROP COLUMN payments_stop_from, DROP COLUMN cease_reason`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrackBankFacingAttempts1763910000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // when the institution confirmed receipt: cash waits at the post office from then, for the collection window
    await runner.query(`ALTER TABLE payment.payout_attempt ADD COLUMN accepted_at timestamptz`);
    // a bank pages through its own instructions; planned attempts were never sent to anyone
    await runner.query(`CREATE INDEX payout_attempt_institution_idx ON payment.payout_attempt (institution_code, instruction_id) WHERE status <> 'planned'`);
    await runner.query(`CREATE INDEX payout_attempt_cash_waiting_idx ON payment.payout_attempt (accepted_at) WHERE status = 'accepted' AND channel = 'cash'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX payment.payout_attempt_cash_waiting_idx`);
    await runner.query(`DROP INDEX payment.payout_attempt_institution_idx`);
    await runner.query(`ALTER TABLE payment.payout_attempt DROP COLUMN accepted_at`);
  }
}

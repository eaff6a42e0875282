import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrackBatchDispatch1764950000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // An approved batch is sent in chunks of their own transactions; until the last chunk is sent the
    // batch is not complete, and the payout sweep finishes what an interrupted approval left.
    await runner.query(`ALTER TABLE payment.payout_batch ADD COLUMN dispatch_completed_at timestamptz`);
    // batches approved before this change were sent inside their approval's transaction
    await runner.query(`UPDATE payment.payout_batch SET dispatch_completed_at = approved_at WHERE status = 'dispatched'`);
    await runner.query(`CREATE INDEX payout_batch_dispatch_open_idx ON payment.payout_batch (approved_at) WHERE status = 'dispatched' AND dispatch_completed_at IS NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX payment.payout_batch_dispatch_open_idx`);
    await runner.query(`ALTER TABLE payment.payout_batch DROP COLUMN dispatch_completed_at`);
  }
}

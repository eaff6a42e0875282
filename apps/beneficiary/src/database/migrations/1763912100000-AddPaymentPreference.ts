import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddPaymentPreference1763912100000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // A person may ask to keep collecting cash at the post office; coverage reports count that choice apart.
    await runner.query(`ALTER TABLE beneficiary.beneficiary ADD COLUMN payment_preference text NOT NULL DEFAULT 'account' CHECK (payment_preference IN ('account', 'cash'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE beneficiary.beneficiary DROP COLUMN payment_preference`);
  }
}

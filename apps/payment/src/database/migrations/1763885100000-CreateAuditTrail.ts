import { auditTrailTableDown, auditTrailTableUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditTrail1763885100000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of auditTrailTableUp('payment')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of auditTrailTableDown('payment')) await runner.query(statement);
  }
}

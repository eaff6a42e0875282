import { messagingRetentionIndexesDown, messagingRetentionIndexesUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexMessagingRetention1764970000000 implements MigrationInterface {
  // outbox and inbox rows past MESSAGING_RETENTION_DAYS are deleted every hour; these find them by age
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of messagingRetentionIndexesUp('payment')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of messagingRetentionIndexesDown('payment')) await runner.query(statement);
  }
}

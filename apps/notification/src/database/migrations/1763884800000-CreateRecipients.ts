import { messagingTablesDown, messagingTablesUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRecipients1763884800000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notification.recipient (
        beneficiary_id  uuid PRIMARY KEY,
        full_name       text    NOT NULL,
        phone           text,
        province_code   char(2) NOT NULL,
        commune_code    char(5) NOT NULL,
        source_event_id uuid    NOT NULL
      )`);
    for (const statement of messagingTablesUp('notification')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of messagingTablesDown('notification')) await runner.query(statement);
    await runner.query(`DROP TABLE notification.recipient`);
  }
}

import { messagingTablesDown, messagingTablesUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePayees1763884800000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment.payee (
        beneficiary_id       uuid PRIMARY KEY,
        cccd                 char(12)    NOT NULL,
        programme_code       text        NOT NULL,
        category_code        text        NOT NULL,
        province_code        char(2)     NOT NULL,
        commune_code         char(5)     NOT NULL,
        legacy_district_code char(3),
        status               text        NOT NULL,
        registered_at        timestamptz NOT NULL,
        source_event_id      uuid        NOT NULL
      )`);
    await runner.query(`CREATE INDEX payee_area_programme_idx ON payment.payee (province_code, commune_code, programme_code)`);
    for (const statement of messagingTablesUp('payment')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of messagingTablesDown('payment')) await runner.query(statement);
    await runner.query(`DROP TABLE payment.payee`);
  }
}

import { auditTrailTableDown, auditTrailTableUp } from '@app/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotices1763900000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    // Where a beneficiary wants notices, as an officer recorded it; the phone itself comes from the registry.
    await runner.query(`
      CREATE TABLE notification.contact_preference (
        beneficiary_id uuid        PRIMARY KEY REFERENCES notification.recipient (beneficiary_id),
        channels       text[]      NOT NULL CHECK (cardinality(channels) BETWEEN 1 AND 3 AND channels <@ ARRAY['sms', 'zalo', 'email']),
        email          text,
        zalo_user_id   text,
        updated_by     text        NOT NULL,
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);

    // One row per consumed event that warrants a notice, whatever channel ends up carrying it.
    await runner.query(`
      CREATE TABLE notification.notice_request (
        id              uuid        PRIMARY KEY,
        source_event_id uuid        NOT NULL UNIQUE,
        source_topic    text        NOT NULL,
        beneficiary_id  uuid        NOT NULL,
        template        text        NOT NULL,
        -- already formatted and masked (amounts in đồng, ****1234): what the template is filled with
        variables       jsonb       NOT NULL,
        status          text        NOT NULL CHECK (status IN ('awaiting_recipient', 'no_contact', 'in_progress', 'delivered', 'undeliverable')),
        -- the channels to try, in order, fixed when delivery starts so a fallback never loops
        channel_plan    text[],
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX notice_request_beneficiary_idx ON notification.notice_request (beneficiary_id, created_at)`);
    await runner.query(`CREATE INDEX notice_request_waiting_idx ON notification.notice_request (beneficiary_id) WHERE status IN ('awaiting_recipient', 'no_contact')`);

    // One message on one channel. UNIQUE (source_event_id, channel): one notice per event and channel,
    // however often the event is redelivered or the job runs.
    await runner.query(`
      CREATE TABLE notification.notice (
        id                  uuid        PRIMARY KEY,
        request_id          uuid        NOT NULL REFERENCES notification.notice_request (id),
        source_event_id     uuid        NOT NULL,
        beneficiary_id      uuid        NOT NULL,
        channel             text        NOT NULL CHECK (channel IN ('sms', 'zalo', 'email')),
        address             text        NOT NULL,
        subject             text,
        body                text        NOT NULL,
        status              text        NOT NULL CHECK (status IN ('queued', 'sending', 'retry_wait', 'sent', 'failed')),
        attempt_count       integer     NOT NULL DEFAULT 0,
        -- bumped each time the sweeper queues the notice again, so the new job gets a new id
        requeue_count       integer     NOT NULL DEFAULT 0,
        -- while it lasts, one worker owns the notice; a worker that died leaves it to expire
        lease_until         timestamptz,
        provider_message_id text,
        failure_code        text,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        sent_at             timestamptz,
        CONSTRAINT notice_source_event_channel_key UNIQUE (source_event_id, channel)
      )`);
    await runner.query(`CREATE INDEX notice_request_idx ON notification.notice (request_id)`);
    await runner.query(`CREATE INDEX notice_unfinished_idx ON notification.notice (updated_at) WHERE status IN ('queued', 'sending', 'retry_wait')`);

    // Every call to a provider and its answer. Never updated or deleted.
    await runner.query(`
      CREATE TABLE notification.notice_delivery_attempt (
        id                  bigserial   PRIMARY KEY,
        notice_id           uuid        NOT NULL REFERENCES notification.notice (id),
        attempt_number      integer     NOT NULL,
        channel             text        NOT NULL,
        provider            text        NOT NULL,
        outcome             text        NOT NULL CHECK (outcome IN ('accepted', 'retryable_error', 'rate_limited', 'terminal_error')),
        provider_status     text,
        provider_code       text,
        provider_message_id text,
        detail              text,
        started_at          timestamptz NOT NULL,
        finished_at         timestamptz NOT NULL
      )`);
    await runner.query(`CREATE INDEX notice_delivery_attempt_notice_idx ON notification.notice_delivery_attempt (notice_id, id)`);
    await runner.query(`
      CREATE FUNCTION notification.refuse_attempt_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'notice_delivery_attempt is append-only'; END $$`);
    await runner.query(`
      CREATE TRIGGER notice_delivery_attempt_append_only BEFORE UPDATE OR DELETE ON notification.notice_delivery_attempt
        FOR EACH ROW EXECUTE FUNCTION notification.refuse_attempt_rewrite()`);

    // Who changed where a beneficiary's notices go: redirecting them is how a fraud would hide itself.
    for (const statement of auditTrailTableUp('notification')) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const statement of auditTrailTableDown('notification')) await runner.query(statement);
    await runner.query(`DROP TABLE notification.notice_delivery_attempt`);
    await runner.query(`DROP FUNCTION notification.refuse_attempt_rewrite()`);
    await runner.query(`DROP TABLE notification.notice`);
    await runner.query(`DROP TABLE notification.notice_request`);
    await runner.query(`DROP TABLE notification.contact_preference`);
  }
}

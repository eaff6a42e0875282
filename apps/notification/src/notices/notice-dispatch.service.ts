import { SERVICE_CONFIG, traced } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import type { NotificationConfig } from '../config/notification.config';
import { ContactDirectoryService } from '../recipients/contact-directory.service';
import type { NoticeChannel, PlannedChannel } from '../recipients/contact-plan';
import type { NoticeDraft } from './notice-policy';
import { DELIVERY_QUEUES, deliverJobId, NoticeJob, type DeliverJobData } from './notice-queue';
import { NoticeTemplates, type TemplateName } from './notice-templates';

/** A notice written to the database that still has to be put on its provider's queue. */
export interface QueuedNotice {
  id: string;
  channel: NoticeChannel;
  requeueCount: number;
}

interface RequestRow {
  id: string;
  source_event_id: string;
  beneficiary_id: string;
  template: TemplateName;
  variables: Record<string, string>;
  channel_plan: NoticeChannel[] | null;
}

const RESUME_BATCH = 200;
const REQUEUE_BATCH = 1_000;

/**
 * Turns notice requests into notices, one channel at a time: the first channel of the beneficiary's
 * plan, then the next when one fails for good, until one delivers or the plan runs out. Rows are
 * written in the caller's transaction; jobs are queued only after it commits, by `enqueue`, and the
 * sweeper queues whatever a crash in between left behind.
 */
@Injectable()
export class NoticeDispatchService {
  private readonly logger = new Logger(NoticeDispatchService.name);
  private readonly queues: Readonly<Record<NoticeChannel, Queue<DeliverJobData>>>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contacts: ContactDirectoryService,
    private readonly templates: NoticeTemplates,
    @Inject(SERVICE_CONFIG) private readonly config: NotificationConfig,
    @InjectQueue(DELIVERY_QUEUES.sms) sms: Queue<DeliverJobData>,
    @InjectQueue(DELIVERY_QUEUES.zalo) zalo: Queue<DeliverJobData>,
    @InjectQueue(DELIVERY_QUEUES.email) email: Queue<DeliverJobData>,
  ) {
    this.queues = { sms, zalo, email };
  }

  /**
   * Records the request of one consumed event and, when the beneficiary can be reached, its first
   * notice: one statement for both, as this runs once per event of a 100,000-payment cycle.
   */
  async open(manager: EntityManager, draft: NoticeDraft, source: { eventId: string; topic: string }): Promise<QueuedNotice[]> {
    const contact = await this.contacts.lookup(manager, draft.beneficiaryId);
    const plan = contact.known ? contact.plan : [];
    // not known: the registration has not arrived yet (two services' events are not ordered); the sweeper resumes it
    const status = !contact.known ? 'awaiting_recipient' : plan.length ? 'in_progress' : 'no_contact';
    const first = plan[0];
    const rendered = first ? this.templates.render(draft.template, draft.variables as never, first.channel) : null;
    const [requestId, noticeId] = [uuidv7(), uuidv7()];
    const [row]: Array<{ requests: number; notices: number }> = await manager.query(
      `WITH request AS (
         INSERT INTO notification.notice_request (id, source_event_id, source_topic, beneficiary_id, template, variables, status, channel_plan)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (source_event_id) DO NOTHING RETURNING id
       ), notice AS (
         INSERT INTO notification.notice (id, request_id, source_event_id, beneficiary_id, channel, address, subject, body, status)
         SELECT $9, request.id, $2, $4, $10, $11, $12, $13, 'queued' FROM request WHERE $10::text IS NOT NULL
         ON CONFLICT (source_event_id, channel) DO NOTHING RETURNING id
       )
       SELECT (SELECT count(*) FROM request)::int AS requests, (SELECT count(*) FROM notice)::int AS notices`,
      [
        requestId,
        source.eventId,
        source.topic,
        draft.beneficiaryId,
        draft.template,
        JSON.stringify(draft.variables),
        status,
        plan.length ? plan.map((planned) => planned.channel) : null,
        noticeId,
        first?.channel ?? null,
        first?.address ?? null,
        rendered?.subject ?? null,
        rendered?.text ?? null,
      ],
    );
    if (status === 'no_contact' && row.requests) {
      this.logger.warn({ requestId, beneficiaryId: draft.beneficiaryId }, 'no way to reach the beneficiary; notice waits for contact details');
    }
    return row.notices && first ? [{ id: noticeId, channel: first.channel, requeueCount: 0 }] : [];
  }

  /**
   * `open` for the events of one fetched batch, in two statements whatever their number: a cycle's
   * payout events arrive by the hundred thousand.
   */
  async openMany(manager: EntityManager, opening: ReadonlyArray<{ draft: NoticeDraft; eventId: string }>, topic: string): Promise<Array<QueuedNotice & { eventId: string }>> {
    if (opening.length === 0) return [];
    const contacts = await this.contacts.lookupMany(manager, opening.map(({ draft }) => draft.beneficiaryId));
    const rows = opening.map(({ draft, eventId }) => {
      const contact = contacts.get(draft.beneficiaryId)!;
      const plan = contact.known ? contact.plan : [];
      const status = !contact.known ? 'awaiting_recipient' : plan.length ? 'in_progress' : 'no_contact';
      const first = plan[0];
      const rendered = first ? this.templates.render(draft.template, draft.variables as never, first.channel) : null;
      if (status === 'no_contact') this.logger.warn({ beneficiaryId: draft.beneficiaryId }, 'no way to reach the beneficiary; notice waits for contact details');
      return { requestId: uuidv7(), noticeId: uuidv7(), eventId, draft, status, plan, first, rendered };
    });
    const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
    // channel_plan travels as text: unnest cannot take an array of arrays of different lengths
    const inserted: Array<{ id: string; channel: NoticeChannel; source_event_id: string }> = await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::uuid[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS i(request_id, source_event_id, beneficiary_id, template, variables, status, channel_plan, notice_id, channel, address, subject, body)
       ), request AS (
         INSERT INTO notification.notice_request (id, source_event_id, source_topic, beneficiary_id, template, variables, status, channel_plan)
         SELECT request_id, source_event_id, $13, beneficiary_id, template, variables, status, string_to_array(channel_plan, ',') FROM input
         ON CONFLICT (source_event_id) DO NOTHING RETURNING id
       )
       INSERT INTO notification.notice (id, request_id, source_event_id, beneficiary_id, channel, address, subject, body, status)
       SELECT i.notice_id, i.request_id, i.source_event_id, i.beneficiary_id, i.channel, i.address, i.subject, i.body, 'queued'
         FROM input i JOIN request r ON r.id = i.request_id WHERE i.channel IS NOT NULL
       ON CONFLICT (source_event_id, channel) DO NOTHING RETURNING id, channel, source_event_id`,
      [
        column((row) => row.requestId),
        column((row) => row.eventId),
        column((row) => row.draft.beneficiaryId),
        column((row) => row.draft.template),
        column((row) => JSON.stringify(row.draft.variables)),
        column((row) => row.status),
        column((row) => (row.plan.length ? row.plan.map((planned) => planned.channel).join(',') : null)),
        column((row) => row.noticeId),
        column((row) => row.first?.channel ?? null),
        column((row) => row.first?.address ?? null),
        column((row) => row.rendered?.subject ?? null),
        column((row) => row.rendered?.text ?? null),
        topic,
      ],
    );
    return inserted.map((row) => ({ id: row.id, channel: row.channel, requeueCount: 0, eventId: row.source_event_id }));
  }

  /** For a request that was waiting: fixes the channel plan and writes the first notice. */
  private async start(manager: EntityManager, request: RequestRow): Promise<QueuedNotice[]> {
    const contact = await this.contacts.lookup(manager, request.beneficiary_id);
    if (!contact.known) return [];
    if (contact.plan.length === 0) {
      await manager.query(`UPDATE notification.notice_request SET status = 'no_contact', updated_at = now() WHERE id = $1`, [request.id]);
      this.logger.warn({ requestId: request.id, beneficiaryId: request.beneficiary_id }, 'no way to reach the beneficiary; notice waits for contact details');
      return [];
    }
    const plan = contact.plan.map((planned) => planned.channel);
    await manager.query(`UPDATE notification.notice_request SET status = 'in_progress', channel_plan = $2, updated_at = now() WHERE id = $1`, [request.id, plan]);
    return this.next(manager, { ...request, channel_plan: plan }, new Set(), contact.plan);
  }

  /** After a notice failed for good: the next channel of the plan, or the end of the road. */
  async fallBack(manager: EntityManager, requestId: string): Promise<QueuedNotice[]> {
    const [request]: RequestRow[] = await manager.query(
      `SELECT id, source_event_id, beneficiary_id, template, variables, channel_plan FROM notification.notice_request WHERE id = $1 FOR UPDATE`,
      [requestId],
    );
    const tried: Array<{ channel: NoticeChannel }> = await manager.query(`SELECT channel FROM notification.notice WHERE request_id = $1`, [requestId]);
    const contact = await this.contacts.lookup(manager, request.beneficiary_id);
    return this.next(manager, request, new Set(tried.map((row) => row.channel)), contact.known ? contact.plan : []);
  }

  private async next(manager: EntityManager, request: RequestRow, tried: Set<NoticeChannel>, addresses: PlannedChannel[]): Promise<QueuedNotice[]> {
    for (const channel of request.channel_plan ?? []) {
      // the address as it is now: a corrected e-mail is used by the fallback, not the stale one
      const address = addresses.find((planned) => planned.channel === channel)?.address;
      if (tried.has(channel) || !address) continue;
      const rendered = this.templates.render(request.template, request.variables as never, channel);
      const id = uuidv7();
      const inserted: unknown[] = await manager.query(
        `INSERT INTO notification.notice (id, request_id, source_event_id, beneficiary_id, channel, address, subject, body, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued')
         ON CONFLICT (source_event_id, channel) DO NOTHING RETURNING id`,
        [id, request.id, request.source_event_id, request.beneficiary_id, channel, address, rendered.subject, rendered.text],
      );
      return inserted.length ? [{ id, channel, requeueCount: 0 }] : [];
    }
    await manager.query(`UPDATE notification.notice_request SET status = 'undeliverable', updated_at = now() WHERE id = $1 AND status <> 'delivered'`, [request.id]);
    this.logger.warn({ requestId: request.id, beneficiaryId: request.beneficiary_id, tried: [...tried] }, 'every channel failed; notice undeliverable');
    return [];
  }

  /** Puts notices on their providers' queues. Job ids make a repeated call harmless. */
  async enqueue(notices: QueuedNotice[]): Promise<void> {
    for (const [channel, queue] of Object.entries(this.queues) as Array<[NoticeChannel, Queue<DeliverJobData>]>) {
      const jobs = notices.filter((notice) => notice.channel === channel);
      if (jobs.length === 0) continue;
      await queue.addBulk(
        jobs.map((notice) => ({ name: NoticeJob.Deliver, data: traced({ noticeId: notice.id }), opts: { jobId: deliverJobId(notice.id, notice.requeueCount) } })),
      );
    }
  }

  /** Requests whose beneficiary became known, or reachable, since they were recorded. */
  async resumeWaiting(): Promise<number> {
    const queued = await this.dataSource.transaction(async (manager) => {
      const waiting: RequestRow[] = await manager.query(
        `SELECT r.id, r.source_event_id, r.beneficiary_id, r.template, r.variables, r.channel_plan
           FROM notification.notice_request r
           JOIN notification.recipient USING (beneficiary_id)
           LEFT JOIN notification.contact_preference p USING (beneficiary_id)
          WHERE r.status = 'awaiting_recipient' OR (r.status = 'no_contact' AND p.updated_at > r.updated_at)
          ORDER BY r.created_at
          LIMIT $1
          FOR UPDATE OF r SKIP LOCKED`,
        [RESUME_BATCH],
      );
      const notices: QueuedNotice[] = [];
      for (const request of waiting) notices.push(...(await this.start(manager, request)));
      return notices;
    });
    await this.enqueue(queued);
    return queued.length;
  }

  /**
   * Notices nobody has touched for longer than any backoff, without a live lease: their job was lost
   * (a crash between commit and queueing, Redis lost data, a job failed as stalled twice). Queued again.
   */
  async requeueStalled(): Promise<number> {
    const [rows]: [Array<{ id: string; channel: NoticeChannel; requeue_count: number }>] = await this.dataSource.query(
      `WITH stalled AS (
         SELECT id FROM notification.notice
          WHERE status IN ('queued', 'retry_wait', 'sending')
            AND updated_at < now() - $1 * interval '1 millisecond'
            AND (lease_until IS NULL OR lease_until < now())
          ORDER BY updated_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       UPDATE notification.notice n SET requeue_count = n.requeue_count + 1, updated_at = now()
         FROM stalled WHERE n.id = stalled.id
       RETURNING n.id, n.channel, n.requeue_count`,
      [this.config.NOTICE_STALL_AFTER_MS, REQUEUE_BATCH],
    );
    if (rows.length) this.logger.warn({ notices: rows.length }, 'stalled notices queued again');
    await this.enqueue(rows.map((row) => ({ id: row.id, channel: row.channel, requeueCount: row.requeue_count })));
    return rows.length;
  }
}

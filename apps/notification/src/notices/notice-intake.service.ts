import type { EventDefinition } from '@app/contracts';
import { InboxConsumerService, type InboxMessage } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { NoticeDispatchService, type QueuedNotice } from './notice-dispatch.service';
import { noticeRuleFor } from './notice-policy';
import { NoticeTemplates } from './notice-templates';

/**
 * From a consumed event to a queued notice. The notice rows are written in the inbox transaction, so
 * an event redelivered by Kafka finds its id in the inbox and adds nothing; the job is queued after the
 * commit, so a worker never looks for a row that is not there yet.
 */
@Injectable()
export class NoticeIntakeService {
  private readonly logger = new Logger(NoticeIntakeService.name);

  constructor(
    private readonly inbox: InboxConsumerService,
    private readonly dispatch: NoticeDispatchService,
    private readonly templates: NoticeTemplates,
  ) {}

  async consume(definition: EventDefinition, context: KafkaContext): Promise<void> {
    const rule = noticeRuleFor(definition);
    let queued: QueuedNotice[] = [];
    const outcome = await this.inbox.consume(definition, context, async (event, manager) => {
      // the inbox may run this again after a rolled-back attempt: only the last run's rows exist
      queued = [];
      const draft = rule.decide(event.payload, this.templates);
      if (draft) queued = await this.dispatch.open(manager, draft, { eventId: event.eventId, topic: context.getTopic() });
    });
    if (outcome !== 'processed' || queued.length === 0) return;
    // Committed already: failing here must not make Kafka redeliver (the inbox would skip it as a
    // duplicate); the sweeper queues notices that never got a job.
    await this.dispatch.enqueue(queued).catch((error: unknown) => this.logger.warn({ err: error, notices: queued.map((notice) => notice.id) }, 'notice not queued; the sweeper will'));
  }

  /**
   * `consume` for a fetched batch: the notices of every event written in one transaction, then queued
   * in one go. An event whose notice cannot be worked out goes through `consume`'s path on its own.
   */
  async consumeBatch(definition: EventDefinition, messages: InboxMessage[]): Promise<void> {
    const rule = noticeRuleFor(definition);
    const topic = messages[0].topic;
    // by event: a path that runs again (savepoint or single-message retry) replaces what it queued before
    const queued = new Map<string, QueuedNotice[]>();
    await this.inbox.consumeBatch(definition, messages, {
      many: async (events, manager) => {
        const opening: Array<{ draft: NonNullable<ReturnType<typeof rule.decide>>; eventId: string }> = [];
        const handled = new Set<string>();
        for (const event of events) {
          let draft: ReturnType<typeof rule.decide>;
          try {
            draft = rule.decide(event.payload, this.templates);
          } catch {
            continue; // left to the single path, which dead-letters it with the reason
          }
          handled.add(event.eventId);
          if (draft) opening.push({ draft, eventId: event.eventId });
        }
        for (const eventId of handled) queued.set(eventId, []);
        for (const { eventId, ...notice } of await this.dispatch.openMany(manager, opening, topic)) queued.get(eventId)!.push(notice);
        return handled;
      },
      one: async (event, manager) => {
        queued.delete(event.eventId);
        const draft = rule.decide(event.payload, this.templates);
        queued.set(event.eventId, draft ? await this.dispatch.open(manager, draft, { eventId: event.eventId, topic }) : []);
      },
    });
    const notices = [...queued.values()].flat();
    if (notices.length === 0) return;
    await this.dispatch.enqueue(notices).catch((error: unknown) => this.logger.warn({ err: error, notices: notices.length }, 'notices not queued; the sweeper will'));
  }
}

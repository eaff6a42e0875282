import { coversArea, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { maskAddress } from '../recipients/contact-masking';
import type { NoticeChannel } from '../recipients/contact-plan';
import { RecipientEntity } from '../recipients/recipient.entity';
import { RecipientErrors } from '../recipients/recipient.errors';
import type { DeliveryAttemptViewDto, DeliveryLogDto, NoticeViewDto } from './dto/delivery-log.dto';

interface RequestRow {
  id: string;
  source_event_id: string;
  source_topic: string;
  template: string;
  status: string;
  created_at: Date;
}
interface NoticeRow {
  id: string;
  request_id: string;
  channel: NoticeChannel;
  address: string;
  subject: string | null;
  body: string;
  status: string;
  sent_at: Date | null;
  created_at: Date;
}
interface AttemptRow {
  notice_id: string;
  attempt_number: number;
  provider: string;
  outcome: string;
  provider_status: string | null;
  provider_code: string | null;
  provider_message_id: string | null;
  detail: string | null;
  started_at: Date;
  finished_at: Date;
}

/** What a beneficiary was told, when, on which channel, and what each provider answered. */
@Injectable()
export class DeliveryLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async read(beneficiaryId: string, principal: Principal, limit: number): Promise<DeliveryLogDto> {
    const recipient = await this.dataSource.manager.findOneBy(RecipientEntity, { beneficiaryId });
    if (!recipient) throw RecipientErrors.notFound();
    if (!coversArea(principal, recipient)) throw RecipientErrors.outOfArea();

    const requests: RequestRow[] = await this.dataSource.query(
      `SELECT id, source_event_id, source_topic, template, status, created_at FROM notification.notice_request
        WHERE beneficiary_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [beneficiaryId, limit],
    );
    const requestIds = requests.map((request) => request.id);
    const notices: NoticeRow[] = await this.dataSource.query(
      `SELECT id, request_id, channel, address, subject, body, status, sent_at, created_at FROM notification.notice
        WHERE request_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [requestIds],
    );
    const attempts: AttemptRow[] = await this.dataSource.query(
      `SELECT notice_id, attempt_number, provider, outcome, provider_status, provider_code, provider_message_id, detail, started_at, finished_at
         FROM notification.notice_delivery_attempt WHERE notice_id = ANY($1::uuid[]) ORDER BY id`,
      [notices.map((notice) => notice.id)],
    );

    const attemptView = (row: AttemptRow): DeliveryAttemptViewDto => ({
      attemptNumber: row.attempt_number,
      provider: row.provider,
      outcome: row.outcome,
      providerStatus: row.provider_status,
      providerCode: row.provider_code,
      providerMessageId: row.provider_message_id,
      detail: row.detail,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at.toISOString(),
    });
    const noticeView = (row: NoticeRow): NoticeViewDto => ({
      noticeId: row.id,
      channel: row.channel,
      to: maskAddress(row.channel, row.address),
      subject: row.subject,
      text: row.body,
      status: row.status,
      sentAt: row.sent_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      attempts: attempts.filter((attempt) => attempt.notice_id === row.id).map(attemptView),
    });
    return {
      beneficiaryId,
      requests: requests.map((request) => ({
        requestId: request.id,
        sourceEventId: request.source_event_id,
        sourceTopic: request.source_topic,
        template: request.template,
        status: request.status,
        createdAt: request.created_at.toISOString(),
        notices: notices.filter((notice) => notice.request_id === request.id).map(noticeView),
      })),
    };
  }
}

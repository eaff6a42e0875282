import { ApiProperty } from '@nestjs/swagger';

export class DeliveryAttemptViewDto {
  @ApiProperty() attemptNumber: number;
  @ApiProperty() provider: string;
  @ApiProperty({ enum: ['accepted', 'retryable_error', 'rate_limited', 'terminal_error'] }) outcome: string;
  @ApiProperty({ nullable: true, description: 'HTTP status or SMTP reply code' }) providerStatus: string | null;
  @ApiProperty({ nullable: true }) providerCode: string | null;
  @ApiProperty({ nullable: true }) providerMessageId: string | null;
  @ApiProperty({ nullable: true }) detail: string | null;
  @ApiProperty() startedAt: string;
  @ApiProperty() finishedAt: string;
}

export class NoticeViewDto {
  @ApiProperty() noticeId: string;
  @ApiProperty({ enum: ['sms', 'zalo', 'email'] }) channel: string;
  @ApiProperty({ example: '*******678', description: 'Masked: phone and Zalo id keep their last three digits, e-mail its first letter and domain' })
  to: string;
  @ApiProperty({ nullable: true }) subject: string | null;
  @ApiProperty({ description: 'Exactly what was sent' }) text: string;
  @ApiProperty({ enum: ['queued', 'sending', 'retry_wait', 'sent', 'failed'] }) status: string;
  @ApiProperty({ nullable: true }) sentAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: [DeliveryAttemptViewDto] }) attempts: DeliveryAttemptViewDto[];
}

/** One event a beneficiary was to be told about, and every message it took. */
export class NoticeRequestViewDto {
  @ApiProperty() requestId: string;
  @ApiProperty() sourceEventId: string;
  @ApiProperty({ example: 'payment.payout.sent.v1' }) sourceTopic: string;
  @ApiProperty({ example: 'payout-sent' }) template: string;
  @ApiProperty({ enum: ['awaiting_recipient', 'no_contact', 'in_progress', 'delivered', 'undeliverable'] }) status: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: [NoticeViewDto] }) notices: NoticeViewDto[];
}

export class DeliveryLogDto {
  @ApiProperty() beneficiaryId: string;
  @ApiProperty({ type: [NoticeRequestViewDto], description: 'Newest first' }) requests: NoticeRequestViewDto[];
}

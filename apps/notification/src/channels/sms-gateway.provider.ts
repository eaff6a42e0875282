import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { NotificationConfig } from '../config/notification.config';
import { NoticeProvider, postToGateway, retryAfterMs, type DeliveryOutcome, type OutgoingNotice, type ProviderAnswer } from './notice-provider';

/** The brandname SMS gateway's result codes (docs/notification.md lists its API). */
export const SMS_GATEWAY_CODES = [
  'ACCEPTED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'UNAUTHORIZED',
  'BRANDNAME_NOT_REGISTERED',
  'INVALID_PHONE',
  'SUBSCRIBER_BLOCKED',
  'CONTENT_TOO_LONG',
  'INVALID_REQUEST',
] as const;
export type SmsGatewayCode = (typeof SMS_GATEWAY_CODES)[number];

/**
 * Our credentials or brandname being wrong is retryable: the operator fixes the configuration and the
 * notice still goes; the subscriber's number being wrong or blocked never gets better.
 */
export function classifySmsGatewayCode(code: SmsGatewayCode): DeliveryOutcome {
  switch (code) {
    case 'ACCEPTED':
      return 'accepted';
    case 'RATE_LIMITED':
      return 'rate_limited';
    case 'SERVICE_UNAVAILABLE':
    case 'INTERNAL_ERROR':
    case 'UNAUTHORIZED':
    case 'BRANDNAME_NOT_REGISTERED':
      return 'retryable';
    case 'INVALID_PHONE':
    case 'SUBSCRIBER_BLOCKED':
    case 'CONTENT_TOO_LONG':
    case 'INVALID_REQUEST':
      return 'terminal';
  }
}

/** A code the gateway added after this table was written is judged by its HTTP status. */
export function classifySmsGatewayAnswer(status: number, code: string | undefined): DeliveryOutcome {
  if (code && (SMS_GATEWAY_CODES as readonly string[]).includes(code)) return classifySmsGatewayCode(code as SmsGatewayCode);
  if (status === 429) return 'rate_limited';
  if (status >= 200 && status < 300) return 'accepted';
  return status >= 400 && status < 500 ? 'terminal' : 'retryable';
}

interface SmsGatewayReply {
  code: string;
  messageId: string;
  segments: number;
  duplicate: boolean;
  message: string;
}

@Injectable()
export class SmsGatewayProvider extends NoticeProvider {
  readonly channel = 'sms' as const;
  readonly name = 'sms-brandname-gateway';

  constructor(@Inject(SERVICE_CONFIG) private readonly config: NotificationConfig) {
    super();
  }

  async send(notice: OutgoingNotice): Promise<ProviderAnswer> {
    const reply = await postToGateway<SmsGatewayReply>(
      new URL('/sms/v1/messages', this.config.SMS_GATEWAY_URL),
      { authorization: `Bearer ${this.config.SMS_GATEWAY_API_KEY}` },
      { requestId: notice.noticeId, to: notice.to, brandname: this.config.SMS_BRANDNAME, text: notice.text },
      this.config.PROVIDER_TIMEOUT_MS,
    );
    if (!reply.answered) return reply.answer;
    const { status, body } = reply;
    const ok = status >= 200 && status < 300;
    const code = body.code ?? (ok ? 'ACCEPTED' : undefined);
    const outcome = classifySmsGatewayAnswer(status, code);
    return {
      outcome,
      providerStatus: String(status),
      providerCode: code ?? null,
      providerMessageId: body.messageId ?? null,
      detail: outcome === 'accepted' ? `${body.segments ?? '?'} segment(s)${body.duplicate ? ', duplicate request' : ''}` : (body.message?.slice(0, 200) ?? null),
      retryAfterMs: outcome === 'rate_limited' ? retryAfterMs(reply.headers.get('retry-after')) : null,
    };
  }
}

import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { NotificationConfig } from '../config/notification.config';
import { noAnswer, NoticeProvider, type DeliveryOutcome, type OutgoingNotice, type ProviderAnswer } from './notice-provider';

/** The domain of our Message-IDs: the notice id before it makes each message's identity stable. */
const MESSAGE_ID_DOMAIN = 'thongbao.ansinh.gov.vn';

/**
 * SMTP reply codes (RFC 5321): 2xx taken, 4xx transient, 5xx permanent. A 421 with enhanced status
 * 4.7.0 is how relays say "too many messages, slow down".
 */
export function classifySmtpReply(code: number, response: string): DeliveryOutcome {
  if (code >= 200 && code < 300) return 'accepted';
  if (code === 421 && /\b4\.7\.0\b/.test(response)) return 'rate_limited';
  if (code >= 400 && code < 500) return 'retryable';
  return 'terminal';
}

/**
 * Real e-mail over SMTP. SMTP has no idempotency key; the Message-ID is derived from the notice id, so
 * a message sent again after a worker died mid-send is the same message, which receiving mailboxes
 * (and the stand-in) store once.
 */
@Injectable()
export class SmtpEmailProvider extends NoticeProvider implements OnApplicationShutdown {
  readonly channel = 'email' as const;
  readonly name = 'smtp-relay';
  private readonly transport: Transporter;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: NotificationConfig) {
    super();
    const url = new URL(config.SMTP_URL);
    this.transport = createTransport({
      pool: true,
      maxConnections: config.EMAIL_MAX_CONNECTIONS,
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      connectionTimeout: config.PROVIDER_TIMEOUT_MS,
      greetingTimeout: config.PROVIDER_TIMEOUT_MS,
      socketTimeout: config.PROVIDER_TIMEOUT_MS,
    });
  }

  async send(notice: OutgoingNotice): Promise<ProviderAnswer> {
    try {
      const info = await this.transport.sendMail({
        from: this.config.EMAIL_FROM,
        to: notice.to,
        subject: notice.subject ?? 'Thông báo từ AnSinh',
        text: notice.text,
        messageId: `<${notice.noticeId}@${MESSAGE_ID_DOMAIN}>`,
        headers: { 'X-AnSinh-Notice-Id': notice.noticeId },
      });
      const reply = String(info.response ?? '250');
      return { outcome: 'accepted', providerStatus: reply.slice(0, 3), providerCode: null, providerMessageId: info.messageId ?? null, detail: reply.slice(0, 200), retryAfterMs: null };
    } catch (error) {
      const smtp = error as { responseCode?: number; response?: string };
      if (typeof smtp.responseCode !== 'number') return noAnswer(error);
      const outcome = classifySmtpReply(smtp.responseCode, smtp.response ?? '');
      // The reply may quote the recipient ("550 <x@y>: mailbox unavailable"): keep only codes.
      const enhanced = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(smtp.response ?? '')?.[0] ?? null;
      return {
        outcome,
        providerStatus: String(smtp.responseCode),
        providerCode: enhanced,
        providerMessageId: null,
        detail: null,
        retryAfterMs: outcome === 'rate_limited' ? 1_000 : null,
      };
    }
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

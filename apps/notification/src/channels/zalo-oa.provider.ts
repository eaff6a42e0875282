import { SERVICE_CONFIG } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { NotificationConfig } from '../config/notification.config';
import { NoticeProvider, postToGateway, type DeliveryOutcome, type OutgoingNotice, type ProviderAnswer } from './notice-provider';

/**
 * Zalo's OpenAPI answers HTTP 200 with an `error` number (0 = success); only a broken gateway
 * answers 5xx. The codes AnSinh meets when messaging from its Official Account.
 */
export const ZALO_ERRORS = {
  SUCCESS: 0,
  RATE_LIMITED: -32,
  INVALID_PARAMETERS: -201,
  USER_NOT_FOLLOWER: -213,
  ACCESS_TOKEN_INVALID: -216,
  USER_INACTIVE: -230,
} as const;
type ZaloError = (typeof ZALO_ERRORS)[keyof typeof ZALO_ERRORS];

export function classifyZaloError(error: ZaloError): DeliveryOutcome {
  switch (error) {
    case ZALO_ERRORS.SUCCESS:
      return 'accepted';
    case ZALO_ERRORS.RATE_LIMITED:
      return 'rate_limited';
    // our token expired: retried while the OA's token is refreshed, never the beneficiary's fault
    case ZALO_ERRORS.ACCESS_TOKEN_INVALID:
      return 'retryable';
    // the person does not follow the OA, or has not talked to it lately: Zalo will not deliver
    case ZALO_ERRORS.USER_NOT_FOLLOWER:
    case ZALO_ERRORS.USER_INACTIVE:
    case ZALO_ERRORS.INVALID_PARAMETERS:
      return 'terminal';
  }
}

export function classifyZaloAnswer(status: number, error: number | undefined): DeliveryOutcome {
  if (status >= 500 || status === 429) return status === 429 ? 'rate_limited' : 'retryable';
  if (error !== undefined && (Object.values(ZALO_ERRORS) as number[]).includes(error)) return classifyZaloError(error as ZaloError);
  // an unlisted error number: retried, and after the last attempt the next channel is used anyway
  return 'retryable';
}

interface ZaloReply {
  error: number;
  message: string;
  data: { message_id?: string };
}

@Injectable()
export class ZaloOaProvider extends NoticeProvider {
  readonly channel = 'zalo' as const;
  readonly name = 'zalo-oa';

  constructor(@Inject(SERVICE_CONFIG) private readonly config: NotificationConfig) {
    super();
  }

  async send(notice: OutgoingNotice): Promise<ProviderAnswer> {
    const reply = await postToGateway<ZaloReply>(
      new URL('/zalo/v3.0/oa/message/cs', this.config.ZALO_OA_URL),
      { access_token: this.config.ZALO_OA_ACCESS_TOKEN },
      // tracking_id: Zalo echoes it back and the gateway refuses to deliver one twice
      { recipient: { user_id: notice.to }, message: { text: notice.text }, tracking_id: notice.noticeId },
      this.config.PROVIDER_TIMEOUT_MS,
    );
    if (!reply.answered) return reply.answer;
    const { status, body } = reply;
    const outcome = classifyZaloAnswer(status, body.error);
    return {
      outcome,
      providerStatus: String(status),
      providerCode: body.error === undefined ? null : String(body.error),
      providerMessageId: body.data?.message_id ?? null,
      detail: body.message?.slice(0, 200) ?? null,
      retryAfterMs: outcome === 'rate_limited' ? 1_000 : null,
    };
  }
}

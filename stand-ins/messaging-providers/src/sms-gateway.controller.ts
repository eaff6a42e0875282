import { Body, Controller, Headers, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { MessageLogService } from './message-log.service';
import { ProviderBehaviourService } from './provider-behaviour.service';
import { smsEncoding, smsSegments } from './sms-segments';
import { STAND_IN_OPTIONS, type MessagingStandInOptions } from './stand-in-options';

const requestSchema = z.object({
  requestId: z.string().min(1).max(100),
  to: z.string().min(1).max(20),
  brandname: z.string().min(1).max(11),
  text: z.string().min(1).max(5_000),
});

// Vietnamese mobile numbers, national (0…) or international (84…) form.
const VIETNAMESE_MOBILE = /^(0|84)[35789]\d{8}$/;
const MAX_SEGMENTS = 10;

const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
  RATE_LIMITED: 429,
  UNAUTHORIZED: 401,
  BRANDNAME_NOT_REGISTERED: 403,
  INVALID_PHONE: 400,
  CONTENT_TOO_LONG: 400,
  INVALID_REQUEST: 400,
  SUBSCRIBER_BLOCKED: 422,
};

/**
 * A brandname SMS gateway: API key, registered brandnames, number checks, segment billing, a
 * per-second quota, and de-duplication on the client's requestId.
 */
@Controller('sms/v1')
export class SmsGatewayController {
  constructor(
    private readonly log: MessageLogService,
    private readonly behaviour: ProviderBehaviourService,
    @Inject(STAND_IN_OPTIONS) private readonly options: MessagingStandInOptions,
  ) {}

  @Post('messages')
  async send(@Headers('authorization') authorization: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const [status, answer] = this.answer(authorization, body);
    await this.behaviour.delay('sms');
    response.status(status);
    if (status === 429) response.setHeader('Retry-After', '1');
    return answer;
  }

  private answer(authorization: string | undefined, body: unknown): [number, Record<string, unknown>] {
    const fail = (code: string, message: string): [number, Record<string, unknown>] => [STATUS_OF_CODE[code] ?? 500, { code, message }];
    if (authorization !== `Bearer ${this.options.smsApiKey}`) return fail('UNAUTHORIZED', 'invalid API key');
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return fail('INVALID_REQUEST', 'requestId, to, brandname and text are required');
    const request = parsed.data;
    if (!this.options.smsBrandnames.includes(request.brandname)) return fail('BRANDNAME_NOT_REGISTERED', 'brandname not registered for this account');

    const verdict = this.behaviour.judge('sms', request.to);
    if (verdict.kind === 'rate_limited') return fail('RATE_LIMITED', 'quota per second exceeded');
    if (verdict.kind === 'outage') return fail('SERVICE_UNAVAILABLE', 'gateway temporarily unavailable');
    if (verdict.kind === 'fail') return fail(verdict.code ?? 'SERVICE_UNAVAILABLE', 'simulated failure');
    if (verdict.kind === 'reject') return fail('SUBSCRIBER_BLOCKED', 'subscriber refuses brandname messages');
    if (!VIETNAMESE_MOBILE.test(request.to)) return fail('INVALID_PHONE', 'not a Vietnamese mobile number');
    const segments = smsSegments(request.text);
    if (segments > MAX_SEGMENTS) return fail('CONTENT_TOO_LONG', `message needs ${segments} segments, at most ${MAX_SEGMENTS}`);

    const { message, duplicate } = this.log.accept({ channel: 'sms', to: request.to, subject: null, text: request.text, clientReference: request.requestId, segments });
    return [duplicate ? 200 : 202, { code: 'ACCEPTED', messageId: message.providerMessageId, segments, encoding: smsEncoding(request.text), duplicate }];
  }
}

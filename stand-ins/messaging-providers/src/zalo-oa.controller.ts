import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { MessageLogService } from './message-log.service';
import { ProviderBehaviourService } from './provider-behaviour.service';
import { STAND_IN_OPTIONS, type MessagingStandInOptions } from './stand-in-options';

const requestSchema = z.object({
  recipient: z.object({ user_id: z.string().regex(/^\d{1,25}$/) }),
  message: z.object({ text: z.string().min(1).max(2_000) }),
  tracking_id: z.string().min(1).max(100).optional(),
});

const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  [-32]: 'Exceeded the limit',
  [-201]: 'Parameters are invalid',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-230]: 'User has not interacted with the OA in the last 7 days',
};

/**
 * Zalo Official Account messaging as its OpenAPI behaves: HTTP 200 with `error` 0 or a negative code,
 * the access token in a header, 5xx only when the gateway itself is down.
 */
@Controller('zalo/v3.0/oa/message')
export class ZaloOaController {
  constructor(
    private readonly log: MessageLogService,
    private readonly behaviour: ProviderBehaviourService,
    @Inject(STAND_IN_OPTIONS) private readonly options: MessagingStandInOptions,
  ) {}

  @Post('cs')
  @HttpCode(200)
  async send(@Headers('access_token') accessToken: string | undefined, @Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const [status, answer] = this.answer(accessToken, body);
    await this.behaviour.delay('zalo');
    response.status(status);
    return answer;
  }

  private answer(accessToken: string | undefined, body: unknown): [number, Record<string, unknown>] {
    const error = (code: number): [number, Record<string, unknown>] => [200, { error: code, message: ERROR_MESSAGES[code] ?? 'Unknown error' }];
    const gatewayDown = (status = 503): [number, Record<string, unknown>] => [status, { message: 'Service Unavailable' }];
    if (accessToken !== this.options.zaloAccessToken) return error(-216);
    const parsed = requestSchema.safeParse(body);
    if (!parsed.success) return error(-201);
    const request = parsed.data;

    const verdict = this.behaviour.judge('zalo', request.recipient.user_id);
    if (verdict.kind === 'rate_limited') return error(-32);
    if (verdict.kind === 'outage') return gatewayDown();
    if (verdict.kind === 'fail') {
      const http = /^HTTP_(\d{3})$/.exec(verdict.code ?? '');
      return verdict.code && !http ? error(Number(verdict.code)) : gatewayDown(http ? Number(http[1]) : 503);
    }
    if (verdict.kind === 'reject') return error(-213);

    const { message } = this.log.accept({
      channel: 'zalo',
      to: request.recipient.user_id,
      subject: null,
      text: request.message.text,
      clientReference: request.tracking_id ?? randomUUID(),
    });
    return [200, { error: 0, message: 'Success', data: { message_id: message.providerMessageId, user_id: request.recipient.user_id } }];
  }
}

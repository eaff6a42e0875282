import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { MessageLogService } from './message-log.service';
import { behaviourSchema, ProviderBehaviourService } from './provider-behaviour.service';

const controlSchema = z.object({ channel: z.enum(['sms', 'zalo', 'email']) }).extend(behaviourSchema.partial().shape).strict();

/** Simulator control: what tests and demos read (messages received) and change (how providers behave). */
@Controller()
export class ControlController {
  constructor(
    private readonly log: MessageLogService,
    private readonly behaviour: ProviderBehaviourService,
  ) {}

  @Get()
  status() {
    return { service: 'messaging-providers-stand-in', received: this.log.count() };
  }

  /** Every message a provider accepted, oldest first: GET /messages?channel=sms&to=0912345678 */
  @Get('messages')
  messages(@Query('channel') channel?: string, @Query('to') to?: string, @Query('since') since?: string) {
    return { messages: this.log.find({ channel, to, since }) };
  }

  @Delete('messages')
  @HttpCode(204)
  clear(): void {
    this.log.clear();
  }

  @Get('control')
  current() {
    return { sms: this.behaviour.get('sms'), zalo: this.behaviour.get('zalo'), email: this.behaviour.get('email') };
  }

  /** { channel, outage?, failNext?, failWith?, reject?, latencyMs?, ratePerSecond? }: changes only what is given. */
  @Post('control')
  @HttpCode(200)
  control(@Body() body: unknown) {
    const parsed = controlSchema.safeParse(body);
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_REQUEST', issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
    const { channel, ...change } = parsed.data;
    return this.behaviour.update(channel, change);
  }

  @Post('control/reset')
  @HttpCode(200)
  reset() {
    this.behaviour.reset();
    return this.current();
  }
}

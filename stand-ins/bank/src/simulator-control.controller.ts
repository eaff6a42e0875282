import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Header, NotFoundException, Param, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { InstructionExecutorService } from './instruction-executor.service';
import { InstructionLedgerService } from './instruction-ledger.service';
import { InstructionTopicsService } from './instruction-topics.service';
import { Pain001Error } from './pain-files';
import { PainFilesService } from './pain-files.service';
import { controlSchema, forcedOutcomeSchema, SimulatorSettingsService } from './simulator-settings.service';

// An account number or CCCD (digits), or an instructionId (UUID)
const forcedKeyPattern = /^(\d{6,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const replaySchema = z.object({ instructionId: z.uuid().optional() }).strict();

function parsed<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw new BadRequestException({ code: 'INVALID_REQUEST', issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) });
  return result.data;
}

/**
 * The simulator's control panel, for tests and demos: how the simulated institutions behave, what
 * they received (the ledger), and replays. Not part of any bank's real interface.
 */
@Controller()
export class SimulatorControlController {
  constructor(
    private readonly settings: SimulatorSettingsService,
    private readonly ledger: InstructionLedgerService,
    private readonly executor: InstructionExecutorService,
    private readonly topics: InstructionTopicsService,
    private readonly files: PainFilesService,
  ) {}

  @Get('control')
  current() {
    return { ...this.settings.settings, forcedOutcomes: this.settings.forcedOutcomes() };
  }

  @Post('control')
  @HttpCode(200)
  control(@Body() body: unknown) {
    try {
      return this.settings.update(parsed(controlSchema, body));
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequestException({ code: 'INVALID_REQUEST', issues: [error.message] });
      throw error;
    }
  }

  @Put('forced-outcomes/:key')
  force(@Param('key') key: string, @Body() body: unknown) {
    if (!forcedKeyPattern.test(key)) throw new BadRequestException({ code: 'INVALID_REQUEST', issues: ['key: an account number, a CCCD or an instructionId'] });
    const outcome = parsed(forcedOutcomeSchema, body);
    this.settings.force(key.toLowerCase(), outcome);
    return { key, ...outcome };
  }

  @Delete('forced-outcomes/:key')
  @HttpCode(204)
  unforce(@Param('key') key: string) {
    if (!this.settings.unforce(key.toLowerCase())) throw new NotFoundException({ code: 'NOT_FORCED' });
  }

  @Get('ledger')
  entries(@Query('instructionId') instructionId?: string, @Query('endToEndId') endToEndId?: string) {
    return { entries: this.ledger.list({ instructionId, endToEndId }) };
  }

  @Get('ledger/summary')
  summary() {
    return { mode: this.settings.settings.mode, resultsSent: this.topics.sentResults(), ...this.ledger.summary() };
  }

  @Post('results/replay')
  @HttpCode(200)
  async replay(@Body() body: unknown) {
    return { replayed: await this.topics.replay(parsed(replaySchema, body)) };
  }

  /** Forgets the ledger, executed instructions, forced outcomes and sent results; keeps accounts and settings. */
  @Post('reset')
  @HttpCode(204)
  reset() {
    this.ledger.clear();
    this.executor.reset();
    this.settings.reset();
    this.topics.clearSent();
  }

  @Post('files/pain001')
  @HttpCode(200)
  @Header('Content-Type', 'application/xml; charset=utf-8')
  pain001(@Body() body: unknown) {
    if (typeof body !== 'string' || body.length === 0) {
      throw new BadRequestException({ code: 'INVALID_PAIN001', detail: 'send the XML as the body with Content-Type application/xml' });
    }
    try {
      return this.files.answer(body);
    } catch (error) {
      if (error instanceof Pain001Error) throw new BadRequestException({ code: 'INVALID_PAIN001', detail: error.message });
      throw error;
    }
  }
}

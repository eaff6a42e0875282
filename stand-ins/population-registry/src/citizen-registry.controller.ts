import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseIntPipe, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { CitizenRegistryService } from './citizen-registry.service';

const citizenSchema = z.object({
  fullName: z.string().min(1).max(200),
  dateOfBirth: z.iso.date(),
  gender: z.enum(['male', 'female']),
});
const deathSchema = z.object({ dateOfDeath: z.iso.date() });
const cccdPattern = /^\d{12}$/;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new NotFoundException({ code: 'INVALID_REQUEST', issues: result.error.issues.map((issue) => issue.path.join('.')) });
  return result.data;
}

@Controller()
export class CitizenRegistryController {
  constructor(private readonly registry: CitizenRegistryService) {}

  /** Identity lookup, as the population database answers an authorised agency. */
  @Get('citizens/:cccd')
  find(@Param('cccd') cccd: string) {
    const citizen = cccdPattern.test(cccd) ? this.registry.find(cccd) : undefined;
    if (!citizen) throw new NotFoundException({ code: 'CITIZEN_NOT_FOUND' });
    return citizen;
  }

  /** The death notices the registry publishes, after a position. */
  @Get('deaths')
  deaths(@Query('after', new ParseIntPipe({ optional: true })) after = 0, @Query('limit', new ParseIntPipe({ optional: true })) limit = 100) {
    const items = this.registry.deathsAfter(after, Math.min(limit, 1_000));
    return { items, next: items.length ? items[items.length - 1].seq : after };
  }

  // Simulator control: what tests and the demo use to set the registry's state.

  @Put('citizens/:cccd')
  upsert(@Param('cccd') cccd: string, @Body() body: unknown) {
    if (!cccdPattern.test(cccd)) throw new NotFoundException({ code: 'INVALID_CCCD' });
    return this.registry.upsert({ cccd, ...parse(citizenSchema, body) });
  }

  @Post('citizens/:cccd/death')
  @HttpCode(201)
  recordDeath(@Param('cccd') cccd: string, @Body() body: unknown) {
    const notice = this.registry.recordDeath(cccd, parse(deathSchema, body).dateOfDeath);
    if (!notice) throw new NotFoundException({ code: 'CITIZEN_NOT_FOUND' });
    return notice;
  }
}

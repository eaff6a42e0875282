import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateCycleDto } from './dto/create-cycle.dto';
import { PayoutCyclesService, type CycleView } from './payout-cycles.service';

@ApiTags('cycles')
@ApiBearerAuth()
@Controller('cycles')
export class PayoutCyclesController {
  constructor(private readonly cycles: PayoutCyclesService) {}

  /** 201 with a new cycle; 200 with the existing one when the month was already generated. */
  @Post()
  @Roles('officer')
  async generate(@Body() input: CreateCycleDto, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<CycleView> {
    const { created, cycle } = await this.cycles.generate(input, principal);
    response.status(created ? 201 : 200);
    return cycle;
  }

  @Get(':id')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal): Promise<CycleView> {
    return this.cycles.get(id, principal);
  }
}

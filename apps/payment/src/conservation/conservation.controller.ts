import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ConservationService, type ConservationReport } from './conservation.service';

@ApiTags('conservation')
@ApiBearerAuth()
@Controller()
export class ConservationController {
  constructor(private readonly conservation: ConservationService) {}

  @Get('cycles/:id/conservation')
  @Roles('officer', 'supervisor', 'auditor')
  report(@Param('id', new ParseUUIDPipe()) cycleId: string, @CurrentPrincipal() principal: Principal): Promise<ConservationReport> {
    return this.conservation.report(cycleId, principal);
  }

  @Post('cycles/:id/close')
  @HttpCode(200)
  @Roles('supervisor')
  close(@Param('id', new ParseUUIDPipe()) cycleId: string, @CurrentPrincipal() principal: Principal): Promise<ConservationReport> {
    return this.conservation.close(cycleId, principal);
  }

  /** Recomputes the audit chain and every payout's own chain: reports the first edited, removed or forged entry. */
  @Get('audit/verify')
  @Roles('auditor', 'admin')
  verify() {
    return this.conservation.verifyTrails();
  }
}

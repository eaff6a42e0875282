import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApproveBatchDto } from './dto/approve-batch.dto';
import { PayoutBatchesService, type BatchView } from './payout-batches.service';

@ApiTags('batches')
@ApiBearerAuth()
@Controller()
export class PayoutBatchesController {
  constructor(private readonly batches: PayoutBatchesService) {}

  /** The maker's step: one batch per paying institution, with count, total and content hash to approve. */
  @Post('cycles/:id/batches')
  @HttpCode(200)
  @Roles('officer')
  prepare(@Param('id', new ParseUUIDPipe()) cycleId: string, @CurrentPrincipal() principal: Principal): Promise<BatchView[]> {
    return this.batches.prepare(cycleId, principal);
  }

  @Get('cycles/:id/batches')
  @Roles('officer', 'supervisor', 'auditor')
  list(@Param('id', new ParseUUIDPipe()) cycleId: string, @CurrentPrincipal() principal: Principal): Promise<BatchView[]> {
    return this.batches.list(cycleId, principal);
  }

  @Get('batches/:id')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('id', new ParseUUIDPipe()) batchId: string, @CurrentPrincipal() principal: Principal): Promise<BatchView> {
    return this.batches.get(batchId, principal);
  }

  /** The checker's step: approves exactly the content they saw, and sends the instructions. */
  @Post('batches/:id/approve')
  @HttpCode(200)
  @Roles('supervisor')
  approve(@Param('id', new ParseUUIDPipe()) batchId: string, @Body() input: ApproveBatchDto, @CurrentPrincipal() principal: Principal): Promise<BatchView> {
    return this.batches.approve(batchId, input.contentHash, principal);
  }
}

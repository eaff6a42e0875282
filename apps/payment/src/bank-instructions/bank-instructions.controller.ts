import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BankInstructionsService, type BankInstructionPage, type BankInstructionView } from './bank-instructions.service';
import { BankInstructionQueryDto } from './dto/bank-instruction-query.dto';

/** For a paying institution's own operations: the instructions sent to it and what AnSinh recorded. */
@ApiTags('bank')
@ApiBearerAuth()
@Controller('bank/instructions')
export class BankInstructionsController {
  constructor(private readonly instructions: BankInstructionsService) {}

  @Get()
  @Roles('bank')
  list(@Query() query: BankInstructionQueryDto, @CurrentPrincipal() principal: Principal): Promise<BankInstructionPage> {
    return this.instructions.list(query, principal);
  }

  @Get(':instructionId')
  @Roles('bank')
  get(@Param('instructionId', new ParseUUIDPipe()) instructionId: string, @CurrentPrincipal() principal: Principal): Promise<BankInstructionView> {
    return this.instructions.get(instructionId, principal);
  }
}

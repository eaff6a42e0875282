import { Roles, CurrentPrincipal, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ParseLevelIdPipe, ProgrammeQueryDto } from './dto/programme-query.dto';
import { RecordLevelDto } from './dto/record-level.dto';
import { AllowanceLevelsService, type RecomputeResult } from './allowance-levels.service';

/**
 * Standard levels change by decree (national) or by a province's resolution (only higher). Recording one
 * re-computes money across every area of a programme, so only an administrator records it; supervisors
 * approve batches of the recomputed amounts, and keeping the two apart keeps the four eyes.
 */
@ApiTags('allowance levels')
@ApiBearerAuth()
@Controller('allowance-levels')
export class AllowanceLevelsController {
  constructor(private readonly levels: AllowanceLevelsService) {}

  @Get()
  @Roles('admin', 'officer', 'supervisor', 'auditor')
  list(@Query() query: ProgrammeQueryDto) {
    return this.levels.list(query.programmeCode);
  }

  @Post()
  @Roles('admin')
  record(@Body() input: RecordLevelDto, @CurrentPrincipal() principal: Principal): Promise<RecomputeResult> {
    return this.levels.record(input, principal);
  }

  @Post(':id/recompute')
  @HttpCode(200)
  @Roles('admin')
  recompute(@Param('id', ParseLevelIdPipe) levelId: string, @CurrentPrincipal() principal: Principal): Promise<RecomputeResult> {
    return this.levels.recompute(levelId, principal);
  }
}

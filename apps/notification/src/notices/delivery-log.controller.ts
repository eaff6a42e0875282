import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DeliveryLogService } from './delivery-log.service';
import { DeliveryLogQueryDto } from './dto/delivery-log-query.dto';
import { DeliveryLogDto } from './dto/delivery-log.dto';

@ApiTags('notices')
@ApiBearerAuth()
@Controller('recipients/:beneficiaryId/notices')
export class DeliveryLogController {
  constructor(private readonly log: DeliveryLogService) {}

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  read(
    @Param('beneficiaryId', new ParseUUIDPipe()) beneficiaryId: string,
    @Query() query: DeliveryLogQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveryLogDto> {
    return this.log.read(beneficiaryId, principal, query.limit);
  }
}

import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Controller, Get, Header, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PayoutQueryDto } from './dto/payout-query.dto';
import { PayoutHistoryService } from './payout-history.service';

@ApiTags('history')
@ApiBearerAuth()
@Controller('payouts')
@Roles('auditor', 'officer', 'supervisor')
export class PayoutHistoryController {
  constructor(private readonly history: PayoutHistoryService) {}

  @Get()
  search(@Query() query: PayoutQueryDto, @CurrentPrincipal() principal: Principal) {
    return this.history.search(query, principal);
  }

  @Get('export.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="lich-su-chi-tra.csv"')
  csv(@Query() query: PayoutQueryDto, @CurrentPrincipal() principal: Principal): StreamableFile {
    return new StreamableFile(this.history.csv(query, principal));
  }

  /** Every attempt and every state change of one payout, with actor, reason and the hash chaining it. */
  @Get(':id/timeline')
  timeline(@Param('id', new ParseUUIDPipe()) entitlementId: string, @CurrentPrincipal() principal: Principal) {
    return this.history.timeline(entitlementId, principal);
  }
}

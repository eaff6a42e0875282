import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RecordFuneralClaimDto } from './dto/record-funeral-claim.dto';
import { FuneralSupportService, type FuneralSupportView } from './funeral-support.service';

@ApiTags('funeral-supports')
@ApiBearerAuth()
@Controller('funeral-supports')
export class FuneralSupportsController {
  constructor(private readonly funerals: FuneralSupportService) {}

  @Get(':entitlementId')
  @Roles('officer', 'supervisor', 'auditor')
  get(@Param('entitlementId', new ParseUUIDPipe()) entitlementId: string, @CurrentPrincipal() principal: Principal): Promise<FuneralSupportView> {
    return this.funerals.get(entitlementId, principal);
  }

  /** Records who organises the funeral and how they are paid; the payout then goes through a batch like any other. */
  @Post(':entitlementId/claim')
  @HttpCode(200)
  @Roles('officer')
  recordClaim(@Param('entitlementId', new ParseUUIDPipe()) entitlementId: string, @Body() input: RecordFuneralClaimDto, @CurrentPrincipal() principal: Principal): Promise<FuneralSupportView> {
    return this.funerals.recordClaim(entitlementId, input, principal);
  }
}

import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApproveReleaseDto, CancelPayoutDto, ProposeReleaseDto } from './dto/payout-decisions.dto';
import { PayoutDecisionsService, type ReleaseView } from './payout-decisions.service';

@ApiTags('payout decisions')
@ApiBearerAuth()
@Controller('payouts/:entitlementId')
export class PayoutDecisionsController {
  constructor(private readonly decisions: PayoutDecisionsService) {}

  /** The maker's step on a held payout: pay again to a verified account or cash, with a note. */
  @Post('release')
  @HttpCode(200)
  @Roles('officer')
  propose(@Param('entitlementId', new ParseUUIDPipe()) entitlementId: string, @Body() input: ProposeReleaseDto, @CurrentPrincipal() principal: Principal): Promise<ReleaseView> {
    return this.decisions.proposeRelease(entitlementId, input, principal);
  }

  /** The checker's step: another person approves exactly the proposal they saw, which sends a new attempt. */
  @Post('release/approve')
  @HttpCode(200)
  @Roles('supervisor')
  approve(@Param('entitlementId', new ParseUUIDPipe()) entitlementId: string, @Body() input: ApproveReleaseDto, @CurrentPrincipal() principal: Principal): Promise<ReleaseView> {
    return this.decisions.approveRelease(entitlementId, input.releaseId, principal);
  }

  @Post('cancel')
  @HttpCode(200)
  @Roles('supervisor')
  cancel(@Param('entitlementId', new ParseUUIDPipe()) entitlementId: string, @Body() input: CancelPayoutDto, @CurrentPrincipal() principal: Principal) {
    return this.decisions.cancel(entitlementId, input, principal);
  }
}

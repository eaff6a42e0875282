import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdentityVerificationService } from './identity-verification.service';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('beneficiaries/:id/identity-checks')
export class IdentityController {
  constructor(private readonly identity: IdentityVerificationService) {}

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  history(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal) {
    return this.identity.history(id, principal);
  }

  /** Checks again after an officer corrected the data. */
  @Post()
  @HttpCode(202)
  @Roles('officer')
  requestCheck(@Param('id', new ParseUUIDPipe({ version: '7' })) id: string, @CurrentPrincipal() principal: Principal) {
    return this.identity.requestCheck(id, principal);
  }
}

import { CurrentPrincipal, Roles, type Principal } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AccountsService } from './accounts.service';
import { LinkAccountDto } from './dto/link-account.dto';
import { PaymentChannelListDto, PaymentChannelViewDto } from './dto/payment-channel-view.dto';
import { ReviewAccountDto } from './dto/review-account.dto';

const uuid = () => new ParseUUIDPipe({ version: '7' });

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('beneficiaries/:id/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @HttpCode(201)
  @Roles('officer')
  link(@Param('id', uuid()) id: string, @Body() input: LinkAccountDto, @CurrentPrincipal() principal: Principal): Promise<PaymentChannelViewDto> {
    return this.accounts.link(id, input, principal);
  }

  @Get()
  @Roles('officer', 'supervisor', 'auditor')
  list(@Param('id', uuid()) id: string, @CurrentPrincipal() principal: Principal): Promise<PaymentChannelListDto> {
    return this.accounts.list(id, principal);
  }

  /** Name-enquiry again; the result arrives asynchronously (202). */
  @Post(':accountId/verify')
  @HttpCode(202)
  @Roles('officer')
  verify(@Param('id', uuid()) id: string, @Param('accountId', uuid()) accountId: string, @CurrentPrincipal() principal: Principal): Promise<PaymentChannelViewDto> {
    return this.accounts.requestVerification(id, accountId, principal);
  }

  @Post(':accountId/approve-change')
  @HttpCode(200)
  @Roles('supervisor')
  approveChange(@Param('id', uuid()) id: string, @Param('accountId', uuid()) accountId: string, @CurrentPrincipal() principal: Principal): Promise<PaymentChannelViewDto> {
    return this.accounts.approveChange(id, accountId, principal);
  }

  @Post(':accountId/review')
  @HttpCode(200)
  @Roles('supervisor')
  review(
    @Param('id', uuid()) id: string,
    @Param('accountId', uuid()) accountId: string,
    @Body() input: ReviewAccountDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PaymentChannelViewDto> {
    return this.accounts.review(id, accountId, input, principal);
  }
}

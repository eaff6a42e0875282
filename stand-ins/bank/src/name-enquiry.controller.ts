import { BadRequestException, Body, Controller, Get, GoneException, NotFoundException, Param, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { BankAccountsService } from './bank-accounts.service';

const institutionPattern = /^(\d{6}|[A-Z0-9_]{2,30})$/;
const accountPattern = /^\d{6,19}$/;
const accountSchema = z.object({
  holderName: z.string().min(1).max(200),
  status: z.enum(['active', 'closed', 'blocked']).default('active'),
  deceased: z.boolean().default(false),
});

@Controller()
export class NameEnquiryController {
  constructor(private readonly accounts: BankAccountsService) {}

  /**
   * Name-enquiry as a bank (by BIN) or an e-wallet (by provider code) answers it: the holder name in
   * upper case without diacritics; 404 for an account it does not know, 410 for a closed one.
   */
  @Get('name-enquiry')
  async enquire(@Query('bin') bin?: string, @Query('provider') provider?: string, @Query('account') account?: string) {
    const institution = bin ?? provider;
    if (!institution || !institutionPattern.test(institution) || !account || !accountPattern.test(account)) {
      throw new BadRequestException({ code: 'INVALID_REQUEST' });
    }
    const answer = await this.accounts.enquire(institution, account);
    if (answer.outcome === 'not_found') throw new NotFoundException({ code: 'ACCOUNT_NOT_FOUND' });
    if (answer.outcome === 'closed') throw new GoneException({ code: 'ACCOUNT_CLOSED' });
    return { holderName: answer.holderName };
  }

  // Simulator control: what tests and the demo use to open (or close) accounts at the simulated banks.
  @Put('accounts/:institution/:account')
  upsert(@Param('institution') institution: string, @Param('account') account: string, @Body() body: unknown) {
    const parsed = accountSchema.safeParse(body);
    if (!institutionPattern.test(institution) || !accountPattern.test(account) || !parsed.success) {
      throw new BadRequestException({ code: 'INVALID_REQUEST' });
    }
    return this.accounts.upsert({ institution, account, ...parsed.data });
  }
}

import { Module } from '@nestjs/common';
import { AccountEventsController } from './account-events.controller';
import { PayeeAccountsService } from './payee-accounts.service';

@Module({
  controllers: [AccountEventsController],
  providers: [PayeeAccountsService],
})
export class PayeeAccountsModule {}

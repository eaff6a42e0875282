import { accountChangedV1, accountLinkedV1, accountRejectedV1, accountVerifiedV1 } from '@app/contracts';
import { InboxConsumerService } from '@app/platform';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PayeeAccountsService } from './payee-accounts.service';

@Controller()
export class AccountEventsController {
  constructor(
    private readonly inbox: InboxConsumerService,
    private readonly accounts: PayeeAccountsService,
  ) {}

  @EventPattern<string>(accountLinkedV1.topic)
  async onLinked(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(accountLinkedV1, context, (event, manager) => this.accounts.recordLinked(event, manager));
  }

  @EventPattern<string>(accountVerifiedV1.topic)
  async onVerified(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(accountVerifiedV1, context, (event, manager) => this.accounts.recordVerified(event, manager));
  }

  @EventPattern<string>(accountRejectedV1.topic)
  async onRejected(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(accountRejectedV1, context, (event, manager) => this.accounts.recordRejected(event, manager));
  }

  @EventPattern<string>(accountChangedV1.topic)
  async onChanged(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(accountChangedV1, context, (event, manager) => this.accounts.recordChanged(event, manager));
  }
}

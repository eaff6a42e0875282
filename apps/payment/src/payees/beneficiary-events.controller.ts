import { beneficiaryRegisteredV1 } from '@app/contracts';
import { InboxConsumerService } from '@app/platform';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { PayeesService } from './payees.service';

@Controller()
export class BeneficiaryEventsController {
  constructor(
    private readonly inbox: InboxConsumerService,
    private readonly payees: PayeesService,
  ) {}

  @EventPattern<string>(beneficiaryRegisteredV1.topic)
  async onRegistered(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(beneficiaryRegisteredV1, context, (event, manager) => this.payees.recordRegistration(event, manager));
  }
}

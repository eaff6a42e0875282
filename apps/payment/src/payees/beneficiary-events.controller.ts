import { beneficiaryCeasedV1, beneficiaryRegisteredV1, beneficiaryReinstatedV1, beneficiarySuspendedV1, beneficiaryVerifiedV1 } from '@app/contracts';
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

  @EventPattern<string>(beneficiaryVerifiedV1.topic)
  async onVerified(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(beneficiaryVerifiedV1, context, (event, manager) => this.payees.recordStatusChange(event, 'active', manager));
  }

  @EventPattern<string>(beneficiarySuspendedV1.topic)
  async onSuspended(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(beneficiarySuspendedV1, context, (event, manager) => this.payees.recordStatusChange(event, 'suspended', manager));
  }

  @EventPattern<string>(beneficiaryReinstatedV1.topic)
  async onReinstated(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(beneficiaryReinstatedV1, context, (event, manager) => this.payees.recordStatusChange(event, 'active', manager));
  }

  @EventPattern<string>(beneficiaryCeasedV1.topic)
  async onCeased(@Ctx() context: KafkaContext): Promise<void> {
    await this.inbox.consume(beneficiaryCeasedV1, context, (event, manager) => this.payees.recordStatusChange(event, 'ceased', manager));
  }
}

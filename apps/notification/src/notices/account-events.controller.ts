import { accountChangedV1, accountLinkedV1, accountRejectedV1, accountVerifiedV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { NoticeIntakeService } from './notice-intake.service';

@Controller()
export class AccountEventsController {
  constructor(private readonly intake: NoticeIntakeService) {}

  @EventPattern<string>(accountLinkedV1.topic)
  onLinked(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(accountLinkedV1, context);
  }

  @EventPattern<string>(accountVerifiedV1.topic)
  onVerified(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(accountVerifiedV1, context);
  }

  @EventPattern<string>(accountRejectedV1.topic)
  onRejected(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(accountRejectedV1, context);
  }

  @EventPattern<string>(accountChangedV1.topic)
  onChanged(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(accountChangedV1, context);
  }
}

import { payoutCancelledV1, payoutFailedV1, payoutHeldV1, payoutSentV1, payoutSettledV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { NoticeIntakeService } from './notice-intake.service';

@Controller()
export class PayoutEventsController {
  constructor(private readonly intake: NoticeIntakeService) {}

  @EventPattern<string>(payoutSentV1.topic)
  onSent(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(payoutSentV1, context);
  }

  @EventPattern<string>(payoutSettledV1.topic)
  onSettled(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(payoutSettledV1, context);
  }

  @EventPattern<string>(payoutFailedV1.topic)
  onFailed(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(payoutFailedV1, context);
  }

  @EventPattern<string>(payoutHeldV1.topic)
  onHeld(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(payoutHeldV1, context);
  }

  @EventPattern<string>(payoutCancelledV1.topic)
  onCancelled(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(payoutCancelledV1, context);
  }
}

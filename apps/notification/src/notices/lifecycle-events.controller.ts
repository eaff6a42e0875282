import { beneficiaryCeasedV1 } from '@app/contracts';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { NoticeIntakeService } from './notice-intake.service';

@Controller()
export class LifecycleEventsController {
  constructor(private readonly intake: NoticeIntakeService) {}

  @EventPattern<string>(beneficiaryCeasedV1.topic)
  onCeased(@Ctx() context: KafkaContext): Promise<void> {
    return this.intake.consume(beneficiaryCeasedV1, context);
  }
}

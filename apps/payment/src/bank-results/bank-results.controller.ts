import { instructionReportedV1, PAYING_INSTITUTIONS } from '@app/contracts';
import { InboxConsumerService } from '@app/platform';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { BankResultsService } from './bank-results.service';

/** Result topic → the institution it belongs to: an institution can only report on its own topic. */
export const RESULT_TOPICS = new Map(PAYING_INSTITUTIONS.map((institution) => [instructionReportedV1(institution.code).topic, institution.code]));

@Controller()
export class BankResultsController {
  constructor(
    private readonly inbox: InboxConsumerService,
    private readonly results: BankResultsService,
  ) {}

  @EventPattern<string[]>([...RESULT_TOPICS.keys()])
  async onResult(@Ctx() context: KafkaContext): Promise<void> {
    const institutionCode = RESULT_TOPICS.get(context.getTopic())!;
    await this.inbox.consume(instructionReportedV1(institutionCode), context, (event, manager) => this.results.apply(event, institutionCode, manager));
  }
}

import { MiddlewareConsumer, Module, RequestMethod, type NestModule } from '@nestjs/common';
import { text } from 'express';
import { PayoutsModule } from '../payouts/payouts.module';
import { BankFilesController } from './bank-files.controller';
import { BankFilesService } from './bank-files.service';

/** ISO 20022 files for institutions that do not use Kafka: pain.001 out, pain.002 in. */
@Module({
  imports: [PayoutsModule],
  controllers: [BankFilesController],
  providers: [BankFilesService],
})
export class BankFilesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // the XML body as text, for this route only; a batch of 100,000 lines is about 60 MB of pain.002
    consumer.apply(text({ type: ['application/xml', 'text/xml'], limit: '100mb' })).forRoutes({ path: 'bank-files/pain002', method: RequestMethod.POST });
  }
}

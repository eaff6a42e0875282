import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module';
import { QueueDashboardService } from './queue-dashboard.service';

@Module({ imports: [NoticesModule], providers: [QueueDashboardService] })
export class QueueDashboardModule {}

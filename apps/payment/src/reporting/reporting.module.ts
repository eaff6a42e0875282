import { Module } from '@nestjs/common';
import { CoverageExportService } from './coverage-export.service';
import { CoverageController } from './coverage.controller';
import { CoverageService } from './coverage.service';
import { DashboardController } from './dashboard.controller';

@Module({
  controllers: [CoverageController, DashboardController],
  providers: [CoverageService, CoverageExportService],
})
export class ReportingModule {}

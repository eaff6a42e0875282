import { randomUUID } from 'node:crypto';
import { OutboxService, SERVICE_CONFIG } from '@app/platform';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import { diskStorage } from 'multer';
import type { DataSource } from 'typeorm';
import type { ImportsConfig } from '../config/imports.config';
import { IMPORT_QUEUE } from './import-queue';
import { ImportRunner } from './import-runner';
import { ImportProcessor } from './import.processor';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** Bulk import of officers' lists (.xlsx, .csv) as queued jobs with progress and a per-row report. */
@Module({
  imports: [
    BullModule.registerQueue({ name: IMPORT_QUEUE }),
    MulterModule.registerAsync({
      inject: [SERVICE_CONFIG],
      useFactory: (config: ImportsConfig) => ({
        // Straight to disk: a list of a million rows never sits in memory. multer creates the directory.
        storage: diskStorage({ destination: config.IMPORT_UPLOAD_DIR, filename: (_request, _file, done) => done(null, `upload-${randomUUID()}`) }),
        limits: { fileSize: config.IMPORT_MAX_FILE_BYTES, files: 1, fields: 5 },
        // Browsers send Vietnamese file names as UTF-8; multer would read them as Latin-1.
        defParamCharset: 'utf8',
      }),
    }),
  ],
  controllers: [ImportsController],
  providers: [
    ImportsService,
    ImportProcessor,
    {
      provide: ImportRunner,
      inject: [getDataSourceToken(), OutboxService, SERVICE_CONFIG],
      useFactory: (dataSource: DataSource, outbox: OutboxService, config: ImportsConfig) => new ImportRunner(dataSource, outbox, { batchSize: config.IMPORT_BATCH_SIZE }),
    },
  ],
})
export class ImportsModule {}

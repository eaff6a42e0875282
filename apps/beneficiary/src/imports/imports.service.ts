import { unlink } from 'node:fs/promises';
import { coversArea, SERVICE_CONFIG, traced, type Principal } from '@app/platform';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import type { ImportsConfig } from '../config/imports.config';
import type { CreateImportDto, UploadedImportFile } from './dto/create-import.dto';
import { ImportJobViewDto } from './dto/import-job-view.dto';
import { registerImportFile } from './import-job-registration';
import { ImportJobEntity } from './import-job.entity';
import { IMPORT_JOB_NAME, IMPORT_QUEUE, type ImportQueueData } from './import-queue';
import { reportCsvStream, reportLines, reportXlsxStream } from './import-report';
import { buildImportTemplate } from './import-template';
import { ImportErrors } from './import.errors';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@Injectable()
export class ImportsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(IMPORT_QUEUE) private readonly queue: Queue<ImportQueueData>,
    @Inject(SERVICE_CONFIG) private readonly config: ImportsConfig,
  ) {}

  /**
   * Jobs whose queueing was lost (a crash between the commit and the enqueue, a Redis flush) are
   * queued again at boot; the BullMQ job id is the import id, so a job still queued is not doubled.
   */
  async onApplicationBootstrap(): Promise<void> {
    const pending: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM beneficiary.import_job WHERE status IN ('queued', 'running')`);
    for (const { id } of pending) await this.enqueue(id);
  }

  /** Creates the import of an uploaded file, or returns the one that file already has (created = false). */
  async upload(file: UploadedImportFile | undefined, input: CreateImportDto, principal: Principal): Promise<{ job: ImportJobViewDto; created: boolean }> {
    if (!file) throw ImportErrors.fileMissing();
    const registration = await registerImportFile(this.dataSource, {
      tempPath: file.path,
      originalName: file.originalname,
      programmeCode: input.programmeCode,
      uploadDir: this.config.IMPORT_UPLOAD_DIR,
      provinceCode: principal.provinceCode ?? null,
      communeCode: principal.communeCode ?? null,
      createdBy: `${principal.role}:${principal.sub}`,
      authorize: (job) => this.authorize(job, principal),
    }).catch(async (error) => {
      await unlink(file.path).catch(() => undefined);
      throw error;
    });
    if (registration.enqueue) await this.enqueue(registration.job.id);
    return { job: ImportJobViewDto.of(registration.job), created: registration.created };
  }

  async get(id: string, principal: Principal): Promise<ImportJobViewDto> {
    return ImportJobViewDto.of(await this.find(id, principal));
  }

  /** The latest imports inside the reader's area. */
  async list(principal: Principal): Promise<ImportJobViewDto[]> {
    const query = this.dataSource.getRepository(ImportJobEntity).createQueryBuilder('job').orderBy('job.created_at', 'DESC').take(100);
    if (principal.provinceCode) query.andWhere('job.province_code = :province', { province: principal.provinceCode });
    else if (principal.role === 'bank') return [];
    if (principal.communeCode) query.andWhere('job.commune_code = :commune', { commune: principal.communeCode });
    const jobs = await query.getMany();
    return jobs.map((job) => ImportJobViewDto.of(job));
  }

  async reportCsv(id: string, principal: Principal): Promise<StreamableFile> {
    const job = await this.find(id, principal);
    const stream = reportCsvStream(reportLines(this.dataSource, job.id), (error) => this.logger.error({ err: error, jobId: id }, 'report stream failed'));
    return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="bao-cao-nhap-${job.id}.csv"` });
  }

  async reportXlsx(id: string, principal: Principal): Promise<StreamableFile> {
    const job = await this.find(id, principal);
    const stream = reportXlsxStream(reportLines(this.dataSource, job.id), (error) => this.logger.error({ err: error, jobId: id }, 'report stream failed'));
    return new StreamableFile(stream, { type: XLSX_TYPE, disposition: `attachment; filename="bao-cao-nhap-${job.id}.xlsx"` });
  }

  async template(principal: Principal): Promise<StreamableFile> {
    const buffer = await buildImportTemplate({ provinceCode: principal.provinceCode, communeCode: principal.communeCode });
    return new StreamableFile(buffer, { type: XLSX_TYPE, disposition: 'attachment; filename="mau-danh-sach-doi-tuong.xlsx"' });
  }

  private async find(id: string, principal: Principal): Promise<ImportJobEntity> {
    const job = await this.dataSource.getRepository(ImportJobEntity).findOneBy({ id });
    if (!job) throw ImportErrors.notFound();
    this.authorize(job, principal);
    return job;
  }

  /**
   * A job belongs to the uploader's area: a province officer sees the province's jobs (the communes'
   * included), a commune officer only the commune's, a national reader all of them.
   */
  private authorize(job: ImportJobEntity, principal: Principal): void {
    const visible = job.provinceCode ? coversArea(principal, { provinceCode: job.provinceCode, communeCode: job.communeCode }) : !principal.provinceCode && principal.role !== 'bank';
    if (!visible) throw ImportErrors.outOfArea();
  }

  private async enqueue(importJobId: string): Promise<void> {
    await this.queue.add(IMPORT_JOB_NAME, traced({ importJobId }), {
      jobId: importJobId,
      // An infrastructure failure is retried (the worker resumes after the last committed batch); the
      // outcome lives in PostgreSQL, so Redis keeps nothing once the job is over.
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }
}

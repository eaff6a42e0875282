import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ImportEncoding, ImportFormat, ImportJobEntity, ImportStatus } from '../import-job.entity';

/** Progress and outcome of one import, as the officer's screen and the CLI poll it. */
export class ImportJobViewDto {
  @ApiProperty() id: string;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['xlsx', 'csv'] }) format: ImportFormat;
  @ApiPropertyOptional({ nullable: true, enum: ['utf-8', 'utf-8-bom', 'utf-16le', 'windows-1258'] }) encoding: ImportEncoding | null;
  @ApiProperty() programmeCode: string;
  @ApiPropertyOptional({ nullable: true }) provinceCode: string | null;
  @ApiPropertyOptional({ nullable: true }) communeCode: string | null;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status: ImportStatus;
  @ApiProperty({ description: 'Share of the file read, 0–1 (rows are not counted before they are read)' }) progress: number;
  @ApiPropertyOptional({ nullable: true, description: 'Known once the whole file is read' }) totalRows: number | null;
  @ApiProperty() processedRows: number;
  @ApiProperty() insertedRows: number;
  @ApiProperty({ description: 'Rows already in the registry for this programme (same CCCD): skipped' }) duplicateRows: number;
  @ApiProperty({ description: 'Rows refused; the reasons are in the report' }) invalidRows: number;
  @ApiPropertyOptional({ nullable: true }) errorCode: string | null;
  @ApiPropertyOptional({ nullable: true }) errorMessage: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ nullable: true }) startedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt: string | null;
  @ApiProperty({ example: '/imports/0197…/report.csv' }) reportCsv: string;
  @ApiProperty({ example: '/imports/0197…/report.xlsx' }) reportXlsx: string;

  static of(job: ImportJobEntity): ImportJobViewDto {
    const size = Number(job.fileSize);
    return {
      id: job.id,
      fileName: job.fileName,
      format: job.format,
      encoding: job.encoding,
      programmeCode: job.programmeCode,
      provinceCode: job.provinceCode,
      communeCode: job.communeCode,
      status: job.status,
      progress: job.status === 'completed' ? 1 : size > 0 ? Math.min(1, Number(job.bytesRead) / size) : 0,
      totalRows: job.totalRows,
      processedRows: job.processedRows,
      insertedRows: job.insertedRows,
      duplicateRows: job.duplicateRows,
      invalidRows: job.invalidRows,
      errorCode: job.errorCode,
      errorMessage: job.errorMessage,
      createdBy: job.createdBy,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      reportCsv: `/imports/${job.id}/report.csv`,
      reportXlsx: `/imports/${job.id}/report.xlsx`,
    };
  }
}

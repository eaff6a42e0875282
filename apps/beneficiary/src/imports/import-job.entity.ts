import { bigintTransformer } from '@app/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export const IMPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type ImportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'windows-1258';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';

/** One uploaded list for one programme: where it is, how far the worker got, what it found. */
@Entity('import_job')
export class ImportJobEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('char', { length: 64 })
  fileSha256: string;

  @Column('text')
  fileName: string;

  @Column('bigint', { transformer: bigintTransformer })
  fileSize: bigint;

  @Column('text')
  format: ImportFormat;

  @Column('text', { nullable: true })
  encoding: ImportEncoding | null;

  @Column('text', { nullable: true })
  storedPath: string | null;

  @Column('text')
  programmeCode: string;

  @Column('char', { length: 2, nullable: true })
  provinceCode: string | null;

  @Column('char', { length: 5, nullable: true })
  communeCode: string | null;

  @Column('text')
  status: ImportStatus;

  @Column('integer', { nullable: true })
  totalRows: number | null;

  @Column('integer')
  processedRows: number;

  @Column('integer')
  insertedRows: number;

  @Column('integer')
  duplicateRows: number;

  @Column('integer')
  invalidRows: number;

  @Column('integer')
  lastRowNumber: number;

  @Column('bigint', { transformer: bigintTransformer })
  bytesRead: bigint;

  @Column('text', { nullable: true })
  errorCode: string | null;

  @Column('text', { nullable: true })
  errorMessage: string | null;

  @Column('text')
  createdBy: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz')
  updatedAt: Date;
}

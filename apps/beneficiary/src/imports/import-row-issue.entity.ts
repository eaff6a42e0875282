import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Why one row of an uploaded list was not entered: the officer's report is made of these. */
@Entity('import_row_issue')
export class ImportRowIssueEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  jobId: string;

  /** The row number the officer sees in Excel (the header row counts). */
  @Column('integer')
  rowNumber: number;

  /** The column's header as in the template, or null when the problem is the whole row. */
  @Column('text', { nullable: true })
  columnName: string | null;

  @Column('text')
  code: string;

  @Column('text')
  message: string;
}

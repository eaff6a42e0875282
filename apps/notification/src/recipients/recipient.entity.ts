import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Who a notice can reach: the notification service's own copy, kept current from beneficiary events. */
@Entity('recipient')
export class RecipientEntity {
  @PrimaryColumn('uuid')
  beneficiaryId: string;

  @Column('text')
  fullName: string;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('char', { length: 2 })
  provinceCode: string;

  @Column('char', { length: 5 })
  communeCode: string;

  @Column('uuid')
  sourceEventId: string;
}

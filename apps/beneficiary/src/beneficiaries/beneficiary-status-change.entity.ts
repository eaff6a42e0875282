import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BeneficiaryStatus } from './beneficiary.entity';

/** Append-only: every status a beneficiary has been in, who put them there, when and why. */
@Entity('beneficiary_status_change')
export class BeneficiaryStatusChangeEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  beneficiaryId: string;

  @Column('text', { nullable: true })
  fromStatus: BeneficiaryStatus | null;

  @Column('text')
  toStatus: BeneficiaryStatus;

  @Column('text')
  reasonCode: string;

  @Column('text')
  actor: string;

  @Column('timestamptz', { default: () => 'now()' })
  changedAt: Date;
}

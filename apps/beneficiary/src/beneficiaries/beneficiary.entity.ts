import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const BENEFICIARY_STATUSES = ['pending_verification', 'active', 'suspended', 'ceased'] as const;
export type BeneficiaryStatus = (typeof BENEFICIARY_STATUSES)[number];

@Entity('beneficiary')
export class BeneficiaryEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('char', { length: 12 })
  cccd: string;

  @Column('text')
  fullName: string;

  @Column('date')
  dateOfBirth: string;

  @Column('text')
  gender: 'male' | 'female';

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('char', { length: 2 })
  provinceCode: string;

  @Column('char', { length: 5 })
  communeCode: string;

  @Column('char', { length: 3, nullable: true })
  legacyDistrictCode: string | null;

  @Column('text', { nullable: true })
  householdCode: string | null;

  /** Folded name computed by the database (see the migration); read-only here. */
  @Column({ type: 'text', insert: false, update: false })
  nameKey: string;

  @Column('text')
  programmeCode: string;

  @Column('text')
  categoryCode: string;

  /** 'cash': the person asked to collect cash at the post office even with an account linked. */
  @Column('text', { default: 'account' })
  paymentPreference: 'account' | 'cash';

  /** Current status; the history of how it got here is in beneficiary_status_change. */
  @Column('text')
  status: BeneficiaryStatus;

  @Column('text', { nullable: true })
  ceaseReason: 'DECEASED' | 'INELIGIBLE' | 'MOVED' | 'DUPLICATE' | null;

  @Column('date', { nullable: true })
  ceasedEffectiveDate: string | null;

  /** First day of the month after the cease took effect: no entitlement from this date. */
  @Column('date', { nullable: true })
  paymentsStopFrom: string | null;

  @Column('text')
  registeredBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  registeredAt: Date;
}

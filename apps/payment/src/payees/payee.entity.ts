import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Payment's own copy of what it needs to know about a beneficiary to compute and route entitlements,
 * kept current from the beneficiary service's events (never read across services).
 */
@Entity('payee')
export class PayeeEntity {
  @PrimaryColumn('uuid')
  beneficiaryId: string;

  @Column('char', { length: 12 })
  cccd: string;

  @Column('text', { nullable: true })
  fullName: string | null;

  @Column('text')
  programmeCode: string;

  @Column('text')
  categoryCode: string;

  @Column('char', { length: 2 })
  provinceCode: string;

  @Column('char', { length: 5 })
  communeCode: string;

  @Column('char', { length: 3, nullable: true })
  legacyDistrictCode: string | null;

  @Column('text')
  status: string;

  /** 'cash' when the person asked to be paid in cash at the post office (coverage reason "chose cash"). */
  @Column('text', { default: 'account' })
  paymentPreference: 'account' | 'cash';

  @Column('timestamptz')
  registeredAt: Date;

  /** Whether the registry had confirmed the person when registering (null: rows seeded by hand). */
  @Column('text', { nullable: true })
  registeredStatus: string | null;

  @Column('text', { nullable: true })
  ceaseReason: string | null;

  /** No entitlement for any month starting on or after this date. */
  @Column('date', { nullable: true })
  paymentsStopFrom: string | null;

  @Column('timestamptz', { nullable: true })
  statusChangedAt: Date | null;

  /** The event this row was last changed by: the trail from a payment back to the registry. */
  @Column('uuid')
  sourceEventId: string;
}

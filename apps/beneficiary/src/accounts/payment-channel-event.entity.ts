import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PaymentChannelStatus } from './payment-channel.entity';

export type PaymentChannelEventKind =
  | 'linked'
  | 'superseded'
  | 'name_enquiry'
  | 'name_enquiry_failed'
  | 'verification_requested'
  | 'reviewed'
  | 'change_approved';

export type HistoryDetail = Record<string, string | number | boolean | null>;

/**
 * Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE): everything that happened to a linked
 * account, who did it and when. `detail` never holds the account number.
 */
@Entity('payment_channel_event')
export class PaymentChannelEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column('uuid')
  paymentChannelId: string;

  @Column('uuid')
  beneficiaryId: string;

  @Column('text')
  kind: PaymentChannelEventKind;

  @Column('text', { nullable: true })
  fromStatus: PaymentChannelStatus | null;

  @Column('text')
  toStatus: PaymentChannelStatus;

  @Column('jsonb', { default: () => `'{}'::jsonb` })
  detail: HistoryDetail;

  @Column('text')
  actor: string;

  @Column('timestamptz', { default: () => 'now()' })
  occurredAt: Date;
}

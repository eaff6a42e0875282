import type { ConsentMethod, NameMatch, PaymentChannel } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * pending_verification  waiting for the bank's name-enquiry (queued);
 * verified              the bank's holder name matches the registry name, or a supervisor confirmed it;
 * mismatch_review       the bank answered another name: a supervisor decides (a risk signal: it may be
 *                       someone else's account);
 * pending_manual_check  the bank has no name-enquiry (VBSP): nothing was checked automatically, an
 *                       officer compares the passbook or statement and a supervisor confirms. Kept apart
 *                       from mismatch_review because it is routine work, not a warning;
 * rejected              the bank does not know the account, it is closed, or review rejected it;
 * superseded            replaced by another account at the same priority.
 */
export const PAYMENT_CHANNEL_STATUSES = ['pending_verification', 'verified', 'mismatch_review', 'pending_manual_check', 'rejected', 'superseded'] as const;
export type PaymentChannelStatus = (typeof PAYMENT_CHANNEL_STATUSES)[number];

/** Statuses that hold a priority slot; the database allows one such row per beneficiary and priority. */
export const ACTIVE_PAYMENT_CHANNEL_STATUSES: readonly PaymentChannelStatus[] = ['pending_verification', 'verified', 'mismatch_review', 'pending_manual_check'];

@Entity('payment_channel')
export class PaymentChannelEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  beneficiaryId: string;

  @Column('text')
  channel: PaymentChannel;

  @Column('char', { length: 6, nullable: true })
  bankBin: string | null;

  @Column('text', { nullable: true })
  providerCode: string | null;

  /** AES-256-GCM sealed account number (FieldCipher), bound to this row's id. Never returned by the API. */
  @Column('bytea')
  accountNumberCipher: Buffer;

  @Column('char', { length: 4 })
  accountLast4: string;

  /** HMAC-SHA256 of channel, institution and number: equal accounts compare equal without decrypting. */
  @Column('char', { length: 64 })
  accountFingerprint: string;

  /** As the bank's name-enquiry printed it (upper case, no diacritics); null until it answers. */
  @Column('text', { nullable: true })
  holderNameFromBank: string | null;

  @Column('text', { nullable: true })
  nameMatch: NameMatch | null;

  @Column('smallint')
  priority: number;

  @Column('text')
  status: PaymentChannelStatus;

  /** Why the row is in its status, as a code (ACCOUNT_NOT_FOUND, NAME_MISMATCH, …). */
  @Column('text', { nullable: true })
  statusReason: string | null;

  @Column('text')
  consentMethod: ConsentMethod;

  @Column('text')
  consentBy: string;

  @Column('timestamptz')
  consentAt: Date;

  /** No payment before this time, verified or not: the end of a change's cool-off, or its approval. */
  @Column('timestamptz')
  payableFrom: Date;

  /** For a change: the verified account it replaces (the one whose holder is notified). */
  @Column('uuid', { nullable: true })
  replacesId: string | null;

  @Column('text', { nullable: true })
  changeApprovedBy: string | null;

  @Column('timestamptz', { nullable: true })
  changeApprovedAt: Date | null;

  /** Incremented by every request to verify again; part of the queue's job id. */
  @Column('integer', { default: 0 })
  verificationRound: number;

  @Column('timestamptz', { nullable: true })
  verifiedAt: Date | null;

  @Column('text')
  createdBy: string;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}

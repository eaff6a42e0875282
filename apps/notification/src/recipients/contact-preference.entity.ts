import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { NoticeChannel } from './contact-plan';

/** Where an officer recorded that a beneficiary wants notices, in order of preference. */
@Entity('contact_preference')
export class ContactPreferenceEntity {
  @PrimaryColumn('uuid')
  beneficiaryId: string;

  @Column('text', { array: true })
  channels: NoticeChannel[];

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  zaloUserId: string | null;

  @Column('text')
  updatedBy: string;

  @Column('timestamptz')
  updatedAt: Date;
}

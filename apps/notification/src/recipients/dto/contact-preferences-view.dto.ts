import { ApiProperty } from '@nestjs/swagger';
import { NOTICE_CHANNELS, type NoticeChannel } from '../contact-plan';

/** A beneficiary's contact details as officers see them: masked, with the order notices will follow. */
export class ContactPreferencesViewDto {
  @ApiProperty() beneficiaryId: string;
  @ApiProperty({ enum: NOTICE_CHANNELS, isArray: true, description: 'As recorded by an officer; empty when none was' }) channels: NoticeChannel[];
  @ApiProperty({ enum: NOTICE_CHANNELS, isArray: true, description: 'The order a notice is tried in now, after skipping channels without an address' })
  effectiveOrder: NoticeChannel[];
  @ApiProperty({ nullable: true, example: '*******678', description: 'From the population registry' }) phone: string | null;
  @ApiProperty({ nullable: true, example: 'd***@example.vn' }) email: string | null;
  @ApiProperty({ nullable: true, example: '****************234' }) zaloUserId: string | null;
  @ApiProperty({ nullable: true }) updatedBy: string | null;
  @ApiProperty({ nullable: true }) updatedAt: string | null;
}

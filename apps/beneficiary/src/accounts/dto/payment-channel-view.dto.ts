import { bankByBin, ewalletProviderByCode, maskAccountNumberLast4 } from '@app/contracts';
import { ApiProperty } from '@nestjs/swagger';
import type { PaymentChannelEntity, PaymentChannelStatus } from '../payment-channel.entity';

export class ConsentViewDto {
  @ApiProperty() method: string;
  @ApiProperty() recordedBy: string;
  @ApiProperty() at: string;
}

/** One way of paying a beneficiary, as officers see it: the account number masked to its last four digits. */
export class PaymentChannelViewDto {
  @ApiProperty({ nullable: true, description: 'null for the implicit cash channel' }) id: string | null;
  @ApiProperty({ enum: ['bank', 'ewallet', 'cash_post_office'] }) channel: 'bank' | 'ewallet' | 'cash_post_office';
  @ApiProperty({ description: 'true for cash at the post office: never linked, always available, always last' }) implicit: boolean;
  @ApiProperty({ nullable: true }) bankBin: string | null;
  @ApiProperty({ nullable: true }) providerCode: string | null;
  @ApiProperty() institutionName: string;
  @ApiProperty({ nullable: true, example: '****3456' }) accountNumberMasked: string | null;
  @ApiProperty({ nullable: true }) priority: number | null;
  @ApiProperty() status: PaymentChannelStatus | 'available';
  @ApiProperty({ nullable: true }) statusReason: string | null;
  @ApiProperty({ nullable: true }) nameMatch: string | null;
  @ApiProperty({ nullable: true, description: 'As the bank printed it, for comparing with the registry name' }) holderNameFromBank: string | null;
  @ApiProperty({ nullable: true, type: ConsentViewDto }) consent: ConsentViewDto | null;
  @ApiProperty({ nullable: true }) payableFrom: string | null;
  @ApiProperty({ description: 'Verified and past its cool-off: a payment may use it now' }) payableNow: boolean;
  @ApiProperty({ nullable: true, description: 'For a change: the account it replaces' }) replacesId: string | null;
  @ApiProperty({ nullable: true }) changeApprovedBy: string | null;
  @ApiProperty({ nullable: true }) changeApprovedAt: string | null;
  @ApiProperty({ nullable: true }) createdBy: string | null;
  @ApiProperty({ nullable: true }) createdAt: string | null;

  static of(entity: PaymentChannelEntity, now: Date = new Date()): PaymentChannelViewDto {
    return {
      id: entity.id,
      channel: entity.channel,
      implicit: false,
      bankBin: entity.bankBin,
      providerCode: entity.providerCode,
      institutionName: institutionName(entity),
      accountNumberMasked: maskAccountNumberLast4(entity.accountLast4),
      priority: entity.priority,
      status: entity.status,
      statusReason: entity.statusReason,
      nameMatch: entity.nameMatch,
      holderNameFromBank: entity.holderNameFromBank,
      consent: { method: entity.consentMethod, recordedBy: entity.consentBy, at: entity.consentAt.toISOString() },
      payableFrom: entity.payableFrom.toISOString(),
      payableNow: entity.status === 'verified' && entity.payableFrom.getTime() <= now.getTime(),
      replacesId: entity.replacesId,
      changeApprovedBy: entity.changeApprovedBy,
      changeApprovedAt: entity.changeApprovedAt?.toISOString() ?? null,
      createdBy: entity.createdBy,
      createdAt: entity.createdAt.toISOString(),
    };
  }

  /** Vietnam Post pays in cash whatever else fails: the fallback that keeps a payment from being lost. */
  static cashAtPostOffice(): PaymentChannelViewDto {
    return {
      id: null,
      channel: 'cash_post_office',
      implicit: true,
      bankBin: null,
      providerCode: null,
      institutionName: 'Tiền mặt tại bưu điện (Tổng công ty Bưu điện Việt Nam)',
      accountNumberMasked: null,
      priority: null,
      status: 'available',
      statusReason: null,
      nameMatch: null,
      holderNameFromBank: null,
      consent: null,
      payableFrom: null,
      payableNow: true,
      replacesId: null,
      changeApprovedBy: null,
      changeApprovedAt: null,
      createdBy: null,
      createdAt: null,
    };
  }
}

export class PaymentChannelListDto {
  @ApiProperty() beneficiaryId: string;
  @ApiProperty({ type: [PaymentChannelViewDto], description: 'Channels in use, by priority; cash at the post office always last' })
  channels: PaymentChannelViewDto[];
  @ApiProperty({ type: [PaymentChannelViewDto], description: 'Replaced and rejected accounts, newest first' })
  inactive: PaymentChannelViewDto[];
}

export function institutionName(entity: Pick<PaymentChannelEntity, 'bankBin' | 'providerCode'>): string {
  if (entity.bankBin) return bankByBin(entity.bankBin)?.shortName ?? entity.bankBin;
  return ewalletProviderByCode(entity.providerCode ?? '')?.shortName ?? entity.providerCode ?? '';
}

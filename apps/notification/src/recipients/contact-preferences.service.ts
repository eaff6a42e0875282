import { AuditTrailService, coversArea, type Principal } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { maskEmail, maskPhone, maskZaloUserId } from './contact-masking';
import { contactPlan } from './contact-plan';
import { ContactPreferenceEntity } from './contact-preference.entity';
import type { ContactPreferencesViewDto } from './dto/contact-preferences-view.dto';
import type { RecordContactPreferencesDto } from './dto/record-contact-preferences.dto';
import { RecipientEntity } from './recipient.entity';
import { RecipientErrors } from './recipient.errors';

/**
 * Officers record how a beneficiary wants to be told: the registration carries a phone at most. Notices
 * waiting for a way to reach the person are picked up by the sweeper once one is recorded.
 */
@Injectable()
export class ContactPreferencesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrailService,
  ) {}

  async record(beneficiaryId: string, input: RecordContactPreferencesDto, principal: Principal): Promise<ContactPreferencesViewDto> {
    return this.dataSource.transaction(async (manager) => {
      const recipient = await this.recipientInArea(manager, beneficiaryId, principal);
      const missing: Record<string, string[]> = {};
      if (input.channels.includes('email') && !input.email) missing.email = ['Đã chọn kênh email nhưng chưa có địa chỉ e-mail.'];
      if (input.channels.includes('zalo') && !input.zaloUserId) missing.zaloUserId = ['Đã chọn kênh zalo nhưng chưa có mã người dùng Zalo.'];
      if (input.channels.includes('sms') && !recipient.phone) missing.channels = ['Đối tượng chưa có số điện thoại trong CSDL nên không chọn được kênh sms.'];
      if (Object.keys(missing).length) throw RecipientErrors.addressMissing(missing);

      const preference: ContactPreferenceEntity = {
        beneficiaryId,
        channels: input.channels,
        email: input.email ?? null,
        zaloUserId: input.zaloUserId ?? null,
        updatedBy: principal.sub,
        updatedAt: new Date(),
      };
      await manager.upsert(ContactPreferenceEntity, preference, ['beneficiaryId']);
      await this.audit.append(manager, {
        actor: `${principal.role}:${principal.sub}`,
        action: 'notification.contact_preference.recorded',
        entityType: 'recipient',
        entityId: beneficiaryId,
        details: {
          channels: preference.channels,
          email: preference.email && maskEmail(preference.email),
          zaloUserId: preference.zaloUserId && maskZaloUserId(preference.zaloUserId),
        },
      });
      return this.view(recipient, preference);
    });
  }

  async read(beneficiaryId: string, principal: Principal): Promise<ContactPreferencesViewDto> {
    const manager = this.dataSource.manager;
    const recipient = await this.recipientInArea(manager, beneficiaryId, principal);
    return this.view(recipient, await manager.findOneBy(ContactPreferenceEntity, { beneficiaryId }));
  }

  private async recipientInArea(manager: EntityManager, beneficiaryId: string, principal: Principal): Promise<RecipientEntity> {
    const recipient = await manager.findOneBy(RecipientEntity, { beneficiaryId });
    if (!recipient) throw RecipientErrors.notFound();
    if (!coversArea(principal, recipient)) throw RecipientErrors.outOfArea();
    return recipient;
  }

  private view(recipient: RecipientEntity, preference: ContactPreferenceEntity | null): ContactPreferencesViewDto {
    const plan = contactPlan({ phone: recipient.phone, preference });
    return {
      beneficiaryId: recipient.beneficiaryId,
      channels: preference?.channels ?? [],
      effectiveOrder: plan.map((planned) => planned.channel),
      phone: recipient.phone && maskPhone(recipient.phone),
      email: preference?.email ? maskEmail(preference.email) : null,
      zaloUserId: preference?.zaloUserId ? maskZaloUserId(preference.zaloUserId) : null,
      updatedBy: preference?.updatedBy ?? null,
      updatedAt: preference?.updatedAt.toISOString() ?? null,
    };
  }
}

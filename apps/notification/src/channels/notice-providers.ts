import { Injectable } from '@nestjs/common';
import type { NoticeChannel } from '../recipients/contact-plan';
import type { NoticeProvider } from './notice-provider';
import { SmsGatewayProvider } from './sms-gateway.provider';
import { SmtpEmailProvider } from './smtp-email.provider';
import { ZaloOaProvider } from './zalo-oa.provider';

/** The provider that carries each channel. */
@Injectable()
export class NoticeProviders {
  private readonly byChannel: Readonly<Record<NoticeChannel, NoticeProvider>>;

  constructor(sms: SmsGatewayProvider, zalo: ZaloOaProvider, email: SmtpEmailProvider) {
    this.byChannel = { sms, zalo, email };
  }

  for(channel: NoticeChannel): NoticeProvider {
    return this.byChannel[channel];
  }
}

import { Module } from '@nestjs/common';
import { NoticeProviders } from './notice-providers';
import { SmsGatewayProvider } from './sms-gateway.provider';
import { SmtpEmailProvider } from './smtp-email.provider';
import { ZaloOaProvider } from './zalo-oa.provider';

@Module({
  providers: [SmsGatewayProvider, ZaloOaProvider, SmtpEmailProvider, NoticeProviders],
  exports: [NoticeProviders],
})
export class ChannelsModule {}

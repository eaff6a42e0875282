import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { MessageLogService } from './message-log.service';
import { MessagingStandInModule } from './messaging-stand-in.module';
import { ProviderBehaviourService } from './provider-behaviour.service';
import { SmtpSink } from './smtp-sink';

// No authentication on the control API: it listens on loopback only and holds made-up messages.
const config = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4030),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(4025),
    SMS_GATEWAY_API_KEY: z.string().min(8).default('dev-sms-gateway-key'),
    SMS_BRANDNAMES: z.string().default('ANSINH'),
    ZALO_OA_ACCESS_TOKEN: z.string().min(8).default('dev-zalo-oa-access-token'),
    // how every provider behaves at start, before POST /control changes it
    PROVIDER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    PROVIDER_RATE_PER_SECOND: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .parse(process.env);

async function main() {
  const app = await NestFactory.create(
    MessagingStandInModule.forRoot(
      { smsApiKey: config.SMS_GATEWAY_API_KEY, smsBrandnames: config.SMS_BRANDNAMES.split(','), zaloAccessToken: config.ZALO_OA_ACCESS_TOKEN },
      { latencyMs: config.PROVIDER_LATENCY_MS, ratePerSecond: config.PROVIDER_RATE_PER_SECOND },
    ),
    { logger: ['error', 'warn'] },
  );
  const smtp = new SmtpSink(app.get(MessageLogService), app.get(ProviderBehaviourService));
  await smtp.listen(config.SMTP_PORT);
  await app.listen(config.PORT, '127.0.0.1');
  // Held SMTP connections (clients pool them) would keep smtp.close() waiting; a simulator just exits.
  const stop = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`messaging providers stand-in: HTTP (SMS gateway, Zalo OA, control) on http://127.0.0.1:${config.PORT}, SMTP on 127.0.0.1:${config.SMTP_PORT}`);
}
void main();

import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { MessageLogService } from './message-log.service';
import { MessagingStandInModule } from './messaging-stand-in.module';
import { ProviderBehaviourService } from './provider-behaviour.service';
import { SmtpSink } from './smtp-sink';

// No authentication on the control API: it listens on loopback unless HTTP_HOST says otherwise (a container),
// and holds made-up messages.
const config = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65_535).default(4030),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(4025),
    // loopback unless told otherwise (no authentication); a container sets 0.0.0.0 for its neighbours
    HTTP_HOST: z.string().min(1).default('127.0.0.1'),
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
  await smtp.listen(config.SMTP_PORT, config.HTTP_HOST);
  await app.listen(config.PORT, config.HTTP_HOST);
  // Held SMTP connections (clients pool them) would keep smtp.close() waiting; a simulator just exits.
  const stop = () => void app.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`messaging providers stand-in: HTTP (SMS gateway, Zalo OA, control) on http://${config.HTTP_HOST}:${config.PORT}, SMTP on ${config.HTTP_HOST}:${config.SMTP_PORT}`);
}
void main();

import { configureHttp, KafkaService, kafkaConsumerOptions, type PlatformConfig } from '@app/platform';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';

/**
 * A service in-process, configured like main.ts configures it (pipes, filter, OpenAPI), with its
 * topics created, and with its Kafka consumer group joined when the suite exercises consumption.
 */
export async function startTestApp(appModule: DynamicModule, consumer?: { config: PlatformConfig; groupId: string }): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [appModule] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  configureHttp(app, { title: 'test', description: 'test' });
  await app.get(KafkaService).ensureTopics();
  if (consumer) {
    app.connectMicroservice(kafkaConsumerOptions(consumer.config, consumer.groupId), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.init();
  return app;
}

import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, type PlatformConfig } from '../config/platform-config';
import { createValidationPipe } from '../errors/validation.pipe';
import { KafkaService } from '../kafka/kafka.service';

export interface ServiceDefinition<TConfig extends PlatformConfig & { PORT: number }> {
  name: string;
  title: string;
  description: string;
  loadConfig: () => TConfig;
  appModule: (config: TConfig) => Type<unknown> | import('@nestjs/common').DynamicModule;
  /** Kafka consumer group of the service; omitted for a service that consumes nothing. */
  consumerGroup?: string;
}

export function kafkaConsumerOptions(config: PlatformConfig, serviceGroupId: string): MicroserviceOptions {
  const groupId = `${serviceGroupId}${config.KAFKA_CONSUMER_GROUP_SUFFIX}`;
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: `${groupId}-consumer`, brokers: config.KAFKA_BROKERS, connectionTimeout: 3_000, retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 } },
      consumer: { groupId, allowAutoTopicCreation: false, sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS, heartbeatInterval: Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10) },
      producer: { createPartitioner: Partitioners.DefaultPartitioner },
      // Consumer groups are named exactly (banks grant ACLs to named groups): no '-server' suffix.
      postfixId: '',
      // Raw bytes reach the inbox consumer, which validates them and dead-letters them unchanged.
      parser: { keepBinary: true },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: config.KAFKA_TOPIC_PARTITIONS },
    },
  };
}

/** Applies what every service's HTTP side shares; used by main.ts and by e2e tests alike. */
export function configureHttp(app: INestApplication, definition: { title: string; description: string }): void {
  app.useLogger(app.get(Logger));
  app.use(helmet({ contentSecurityPolicy: false }));
  app.useGlobalPipes(createValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(definition.title).setDescription(definition.description).setVersion('1').addBearerAuth().build(),
  );
  SwaggerModule.setup('docs', app, document);
  app.enableShutdownHooks();
}

/** Boots a service: validated config (or exit 1 naming each bad variable), HTTP, Kafka consumer, graceful stop. */
export async function bootstrapService<TConfig extends PlatformConfig & { PORT: number }>(definition: ServiceDefinition<TConfig>): Promise<INestApplication> {
  let config: TConfig;
  try {
    config = definition.loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${definition.name}: refusing to start, ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create(definition.appModule(config), { bufferLogs: true });
  configureHttp(app, definition);
  await app.get(KafkaService).ensureTopics();
  if (definition.consumerGroup) {
    app.connectMicroservice<MicroserviceOptions>(kafkaConsumerOptions(config, definition.consumerGroup), { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.listen(config.PORT, config.HTTP_HOST);
  app.get(Logger).log({ url: `http://127.0.0.1:${config.PORT}`, docs: `http://127.0.0.1:${config.PORT}/docs` }, `${definition.name} service listening`);
  return app;
}

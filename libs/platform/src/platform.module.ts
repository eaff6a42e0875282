import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTrailService } from './audit/audit-trail.service';
import { AuthGuard } from './auth/auth.guard';
import { SERVICE_CONFIG, type PlatformConfig } from './config/platform-config';
import { CorrelationMiddleware } from './context/correlation.middleware';
import { dataSourceOptions, type EntityList, type MigrationList } from './database/database-options';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { HealthController } from './health/health.controller';
import { InboxConsumerService } from './inbox/inbox-consumer.service';
import { KafkaService } from './kafka/kafka.service';
import { MESSAGING_OPTIONS, type MessagingOptions } from './kafka/messaging-options';
import { LoggingModule } from './logging/logging.module';
import { MetricsController } from './metrics/metrics.controller';
import { MessagingRetentionService } from './outbox/messaging-retention.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { OutboxService } from './outbox/outbox.service';
import { RedisService } from './queue/redis.service';

export interface PlatformModuleOptions {
  serviceName: string;
  /** PostgreSQL schema owned by the service. */
  schema: string;
  config: PlatformConfig;
  entities: EntityList;
  migrations: MigrationList;
  topics: string[];
  /** The relay is off in processes that only read (e.g. a CLI). */
  relayOutbox?: boolean;
}

/**
 * What every AnSinh service shares: logging with redaction and correlation, the database, Kafka with
 * outbox and inbox, Redis, authentication, one error filter, health and metrics. Infrastructure only:
 * no domain code lives here.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { config } = options;
    const messaging: MessagingOptions = {
      serviceName: options.serviceName,
      schema: options.schema,
      brokers: config.KAFKA_BROKERS,
      topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
      consumerMaxAttempts: config.KAFKA_CONSUMER_MAX_ATTEMPTS,
      outboxBatchSize: config.OUTBOX_BATCH_SIZE,
      outboxPollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
      topics: options.topics,
    };
    return {
      module: PlatformModule,
      imports: [
        LoggingModule.forRoot({ serviceName: options.serviceName, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY }),
        TypeOrmModule.forRoot(
          dataSourceOptions({
            url: config.DATABASE_URL,
            schema: options.schema,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: options.entities,
            migrations: options.migrations,
            applicationName: options.serviceName,
          }),
        ),
        JwtModule.register({ secret: config.JWT_SECRET, signOptions: { algorithm: 'HS256' } }),
        TerminusModule.forRoot({ gracefulShutdownTimeoutMs: 0 }),
        // Queues of every app share the service's Redis connection; workers duplicate it for blocking reads.
        BullModule.forRootAsync({ inject: [RedisService], useFactory: (redis: RedisService) => ({ connection: redis.client, prefix: config.QUEUE_PREFIX }) }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: MESSAGING_OPTIONS, useValue: messaging },
        { provide: RedisService, useFactory: () => new RedisService(config.REDIS_URL) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        KafkaService,
        AuditTrailService,
        OutboxService,
        InboxConsumerService,
        ...(options.relayOutbox === false ? [] : [OutboxRelayService, MessagingRetentionService]),
      ],
      exports: [AuditTrailService, SERVICE_CONFIG, MESSAGING_OPTIONS, RedisService, KafkaService, OutboxService, InboxConsumerService, JwtModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*path');
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { KafkaService } from '../kafka/kafka.service';
import { RedisService } from '../queue/redis.service';

@ApiTags('platform')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
  ) {}

  /** Readiness: 200 only when PostgreSQL, Redis and Kafka all answer; 503 names the one that does not. */
  @Public()
  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('postgres', { timeout: 2_000 }),
      () => this.probe('redis', () => this.redis.ping()),
      () => this.probe('kafka', () => this.kafka.ping()),
    ]);
  }

  /** Liveness: the process answers; dependencies are not consulted. */
  @Public()
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  private async probe(key: string, check: () => Promise<void>) {
    const indicator = this.indicators.check(key);
    try {
      await check();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

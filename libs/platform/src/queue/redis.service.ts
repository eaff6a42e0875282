import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis, { type Redis } from 'ioredis';

/** One Redis connection per service for BullMQ and health checks. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(url: string) {
    // BullMQ workers block on Redis and must not give up on a command during a Redis restart.
    this.client = new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
  }

  async ping(): Promise<void> {
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error(`redis answered ${answer}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

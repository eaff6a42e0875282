import { ConfigValidationError, parseConfig, platformConfigSchema } from './platform-config';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ansinh',
  JWT_SECRET: 'x'.repeat(32),
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9094',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('parseConfig', () => {
  it('types and defaults a valid environment', () => {
    const config = parseConfig(platformConfigSchema, valid);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9094']);
    expect(config.OUTBOX_BATCH_SIZE).toBe(500);
    expect(config.LOG_PRETTY).toBe(false);
  });

  it('names every bad variable at once, treating empty as missing', () => {
    const broken = { ...valid, DATABASE_URL: 'mysql://x', JWT_SECRET: 'short', KAFKA_BROKERS: '', REDIS_URL: undefined };
    let error: unknown;
    try {
      parseConfig(platformConfigSchema, broken);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const variables = (error as ConfigValidationError).problems.map((problem) => problem.split(':')[0]);
    expect(variables.sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'REDIS_URL']);
    expect((error as ConfigValidationError).problems).toContain('KAFKA_BROKERS: is required');
  });

  it('rejects a broker list that is not host:port', () => {
    expect(() => parseConfig(platformConfigSchema, { ...valid, KAFKA_BROKERS: 'kafka' })).toThrow(/KAFKA_BROKERS/);
  });
});

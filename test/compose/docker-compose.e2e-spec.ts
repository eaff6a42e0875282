import fs from 'node:fs';
import path from 'node:path';
import { parseConfig, platformConfigSchema } from '@app/platform';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { parse } from 'yaml';
import { beneficiaryConfigSchema } from '../../apps/beneficiary/src/config/beneficiary.config';
import { notificationConfigSchema } from '../../apps/notification/src/config/notification.config';
import { paymentConfigSchema } from '../../apps/payment/src/config/payment.config';
import { loadBankStandInConfig } from '../../stand-ins/bank/src/config/bank-stand-in.config';

// Docker may not run where the tests run: these check docker-compose.yml against what the code
// requires (config schemas, built entry points, Kafka version, scripts/infra.sh broker settings).

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

const APPS = [
  { name: 'beneficiary', port: 3001, schema: beneficiaryConfigSchema },
  { name: 'payment', port: 3002, schema: paymentConfigSchema },
  { name: 'notification', port: 3003, schema: notificationConfigSchema },
] as const;

/** Environment as the container sees it: every value a string. */
function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function commandText(service: Service): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

function healthcheckText(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

/** The broker settings scripts/infra.sh writes into server.properties (shell defaults resolved). */
function infraServerProperties(): Map<string, string> {
  const script = fs.readFileSync(path.join(ROOT, 'scripts/infra.sh'), 'utf8');
  const body = /server\.properties" <<PROPS\n([\s\S]*?)\nPROPS\n/.exec(script);
  if (!body) throw new Error('scripts/infra.sh no longer writes server.properties from a PROPS heredoc');
  const properties = new Map<string, string>();
  for (const line of body[1].split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [key, ...rest] = line.split('=');
    properties.set(key.trim(), rest.join('=').trim().replace(/\$\{\w+:-([^}]*)\}/g, '$1'));
  }
  return properties;
}

/** `log.cleaner.dedupe.buffer.size` → `KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE`, as the apache/kafka image maps them. */
function kafkaEnvName(property: string): string {
  return `KAFKA_${property.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;
}

describe('docker-compose.yml', () => {
  it('names exactly the infrastructure, the migrations, the three services and the stand-ins of external parties', () => {
    expect(Object.keys(services).sort()).toEqual([
      'bank-stand-in',
      'beneficiary',
      'kafka',
      'messaging-providers',
      'migrate',
      'notification',
      'payment',
      'population-registry',
      'postgres',
      'redis',
    ]);
    for (const [name, entry] of [
      ['population-registry', 'dist/stand-ins/population-registry/stand-ins/population-registry/src/main.js'],
      ['bank-stand-in', 'dist/stand-ins/bank/stand-ins/bank/src/main.js'],
      ['messaging-providers', 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js'],
    ]) {
      expect(services[name].command).toEqual(['node', entry]);
      expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
      // stand-ins listen on loopback unless told otherwise: the apps' containers must reach them
      expect(environmentOf(services[name]).HTTP_HOST).toBe('0.0.0.0');
    }
    expect(environmentOf(services.beneficiary).POPULATION_REGISTRY_URL).toBe('http://population-registry:4020');
    expect(environmentOf(services.beneficiary).BANK_STAND_IN_URL).toBe('http://bank-stand-in:4010');
    // Merge keys must have been resolved, or an app would silently lack its shared environment.
    expect(JSON.stringify(compose)).not.toContain('"<<"');
  });

  const requiredPlatformVariables = Object.keys(platformConfigSchema.shape).filter(
    (key) => !platformConfigSchema.shape[key as keyof typeof platformConfigSchema.shape].safeParse(undefined).success,
  );

  it('knows which platform variables have no default', () => {
    expect(requiredPlatformVariables).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'JWT_SECRET']));
    expect(requiredPlatformVariables).not.toContain('LOG_LEVEL');
  });

  describe.each(APPS)('$name service', ({ name, port, schema }) => {
    const service = services[name];
    const env = environmentOf(service ?? {});

    it('runs the built main.js of its own app', () => {
      const entry = `dist/apps/${name}/apps/${name}/src/main.js`;
      expect(service.command).toEqual(['node', entry]);
      expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
      expect(service.build ?? service.image).toBeTruthy();
    });

    it('sets every variable the platform config requires, and the whole config parses', () => {
      for (const key of requiredPlatformVariables) expect({ key, value: env[key] ?? '' }).toEqual({ key, value: expect.stringMatching(/\S/) });
      const config = parseConfig(schema, env);
      expect(config.PORT).toBe(port);
      expect(config.JWT_SECRET.length).toBeGreaterThanOrEqual(32);
      expect(config.JWT_SECRET).toMatch(/dev/i);
    });

    it('publishes its PORT and checks /health with node (slim images have no curl)', () => {
      expect(service.ports).toContainEqual(`127.0.0.1:${port}:${port}`);
      const check = healthcheckText(service);
      expect(service.healthcheck?.disable).not.toBe(true);
      expect(check).toMatch(/^CMD node -e /);
      expect(check).toContain('/health');
      expect(check).toContain('fetch(');
      expect(check).toContain('process.env.PORT');
      expect(check).not.toContain('curl');
    });

    it('starts after healthy Kafka, PostgreSQL and Redis, and after the migrations completed', () => {
      expect(service.depends_on).toEqual({
        kafka: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    });

    it('reaches the infrastructure by its compose service names and credentials', () => {
      const database = new URL(env.DATABASE_URL);
      const postgres = environmentOf(services.postgres);
      expect(database.hostname).toBe('postgres');
      expect(decodeURIComponent(database.username)).toBe(postgres.POSTGRES_USER);
      expect(decodeURIComponent(database.password)).toBe(postgres.POSTGRES_PASSWORD);
      expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);
      expect(new URL(env.REDIS_URL).hostname).toBe('redis');
      const advertised = environmentOf(services.kafka).KAFKA_ADVERTISED_LISTENERS.split(',').map((listener) => listener.replace(/^\w+:\/\//, ''));
      for (const broker of env.KAFKA_BROKERS.split(',')) expect(advertised).toContain(broker.trim());
      expect(env.KAFKA_BROKERS).not.toMatch(/127\.0\.0\.1|localhost/);
    });
  });

  it('runs a bank stand-in that answers payment over Kafka, with keys that verify both ways', () => {
    const bank = environmentOf(services['bank-stand-in']);
    const config = loadBankStandInConfig(bank);
    expect(config.BANK_STAND_IN_KAFKA_ENABLED).toBe(true);
    expect(config.KAFKA_BROKERS).toEqual(environmentOf(services.payment).KAFKA_BROKERS.split(','));
    expect(services['bank-stand-in'].depends_on).toEqual({ kafka: { condition: 'service_healthy' } });
    const payment = parseConfig(paymentConfigSchema, environmentOf(services.payment));
    const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ format: 'der', type: 'spki' }).toString('base64');
    // the stand-in verifies payment's instructions, and payment the stand-in's results
    expect(spki(config.ANSINH_INSTRUCTION_PUBLIC_KEY!)).toBe(spki(createPublicKey(createPrivateKey({ key: Buffer.from(payment.INSTRUCTION_SIGNING_KEY, 'base64'), format: 'der', type: 'pkcs8' }))));
    expect(payment.BANK_RESULT_PUBLIC_KEYS['*']).toBe(spki(createPublicKey(config.BANK_STAND_IN_SIGNING_KEY!)));
    // seed files are read inside the image: they must exist and be copied there
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    for (const seed of [config.BANK_STAND_IN_SEED_FILE!, environmentOf(services['population-registry']).REGISTRY_SEED_FILE]) {
      expect(fs.existsSync(path.join(ROOT, seed))).toBe(true);
      expect(dockerfile).toContain(`COPY ${path.dirname(seed)}/*.json ./${path.dirname(seed)}/`);
    }
  });

  it('sends notices to the messaging-providers stand-in: SMS gateway and Zalo OA over HTTP, e-mail over SMTP', () => {
    const messaging = environmentOf(services['messaging-providers']);
    const notification = parseConfig(notificationConfigSchema, environmentOf(services.notification));
    expect(notification.SMS_GATEWAY_URL).toBe(`http://messaging-providers:${messaging.PORT}`);
    expect(notification.ZALO_OA_URL).toBe(`http://messaging-providers:${messaging.PORT}`);
    expect(notification.SMTP_URL).toBe(`smtp://messaging-providers:${messaging.SMTP_PORT}`);
    expect(services['messaging-providers'].ports).toContainEqual(`127.0.0.1:${messaging.PORT}:${messaging.PORT}`);
  });

  it('migrate runs the three built migrate.js in sequence, stopping at the first failure, then exits', () => {
    const migrate = services.migrate;
    const command = commandText(migrate);
    const entries = APPS.map(({ name }) => `dist/apps/${name}/apps/${name}/src/migrate.js`);
    expect(command).toMatch(/^sh -c /);
    expect(command.replace(/^sh -c /, '').split('&&').map((step) => step.trim())).toEqual(entries.map((entry) => `node ${entry}`));
    for (const entry of entries) expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
    expect(migrate.restart ?? 'no').toBe('no');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    // migrate.js needs the shared configuration (database above all), not the services' keys.
    expect(() => parseConfig(platformConfigSchema, environmentOf(migrate))).not.toThrow();
    expect(environmentOf(migrate).DATABASE_URL).toBe(environmentOf(services.beneficiary).DATABASE_URL);
  });

  describe('kafka', () => {
    const kafka = services.kafka;
    const env = environmentOf(kafka ?? {});

    it('runs the Kafka version of tools/kafka/pom.xml', () => {
      const pom = fs.readFileSync(path.join(ROOT, 'tools/kafka/pom.xml'), 'utf8');
      const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(kafka.image).toBe(`apache/kafka:${version}`);
    });

    it('has the broker settings of scripts/infra.sh', () => {
      const properties = infraServerProperties();
      // Addresses and paths differ by design between loopback and containers; checked below.
      const containerSpecific = ['listeners', 'advertised.listeners', 'listener.security.protocol.map', 'controller.quorum.voters', 'log.dirs'];
      expect(properties.size).toBeGreaterThan(containerSpecific.length + 10);
      for (const [property, value] of properties) {
        if (containerSpecific.includes(property)) continue;
        expect({ property, value: env[kafkaEnvName(property)] }).toEqual({ property, value });
      }
      expect(env.CLUSTER_ID).toBe(/KAFKA_CLUSTER_ID:-([^}]+)\}/.exec(fs.readFileSync(path.join(ROOT, 'scripts/infra.sh'), 'utf8'))?.[1]);
      expect(env.KAFKA_LOG_DIRS).toBeTruthy();
    });

    it('listens for containers on kafka:19092 and for the host on 127.0.0.1:9092', () => {
      expect(env.KAFKA_ADVERTISED_LISTENERS.split(',').sort()).toEqual(['PLAINTEXT://kafka:19092', 'PLAINTEXT_HOST://127.0.0.1:9092']);
      const names = env.KAFKA_LISTENERS.split(',').map((listener) => listener.split('://')[0]).sort();
      expect(names).toEqual(['CONTROLLER', 'PLAINTEXT', 'PLAINTEXT_HOST']);
      const protocolMap = Object.fromEntries(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP.split(',').map((entry) => entry.split(':')));
      for (const name of names) expect(protocolMap[name]).toBe('PLAINTEXT');
      const controller = env.KAFKA_LISTENERS.split(',').find((listener) => listener.startsWith('CONTROLLER://'))!;
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(`${env.KAFKA_NODE_ID}@kafka:${controller.split(':').pop()}`);
      expect(kafka.ports).toContainEqual('127.0.0.1:9092:9092');
      expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    });

    it('is healthy only when kafka-topics.sh can list topics', () => {
      expect(healthcheckText(kafka)).toContain('/opt/kafka/bin/kafka-topics.sh');
      expect(healthcheckText(kafka)).toContain('--list');
    });
  });

  it('protects PostgreSQL with a password (no trust auth) and checks it with pg_isready', () => {
    const postgres = environmentOf(services.postgres);
    expect(services.postgres.image).toMatch(/^postgres:15\b/);
    expect(postgres.POSTGRES_PASSWORD).toMatch(/\S{8,}/);
    expect(postgres.POSTGRES_HOST_AUTH_METHOD ?? '').not.toBe('trust');
    expect(healthcheckText(services.postgres)).toContain('pg_isready');
  });

  it('runs Redis with noeviction and an append-only file, and checks it answers PONG', () => {
    const redis = services.redis;
    expect(redis.image).toMatch(/^redis:7\b/);
    const command = commandText(redis);
    expect(command).toMatch(/--maxmemory-policy noeviction(\s|$)/);
    expect(command).toMatch(/--appendonly yes(\s|$)/);
    expect(healthcheckText(redis)).toContain('redis-cli ping');
  });
});

// No imports on purpose: Jest's globalSetup loads this without the @app/* path mapping.

/** The environment every test process shares; the database is the throw-away test database. */
export const TEST_ENV = {
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${process.env.ANSINH_TEST_DATABASE ?? 'ansinh_test'}`,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  JWT_SECRET: 'test-secret-for-ansinh-tests-only-0123456789',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  OUTBOX_POLL_INTERVAL_MS: '20',
  KAFKA_CONSUMER_MAX_ATTEMPTS: '2',
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  // base64 of 'test-only-account-key-0123456789' (32 bytes): account numbers at rest in the test database
  ACCOUNT_ENCRYPTION_KEY: 'dGVzdC1vbmx5LWFjY291bnQta2V5LTAxMjM0NTY3ODk=',
  // base64 of 'test-only-transport-key-01234567' (32 bytes): account numbers in events, beneficiary → payment
  ACCOUNT_TRANSPORT_KEY: 'dGVzdC1vbmx5LXRyYW5zcG9ydC1rZXktMDEyMzQ1Njc=',
  BANK_STAND_IN_URL: 'http://127.0.0.1:4110',
  // Ed25519 keys made for tests only (base64 DER: PKCS#8 private, SPKI public). Payment signs
  // instructions; the bank stand-in verifies them and signs its results, which payment verifies.
  INSTRUCTION_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIKKX1HCt9zjhVC+aeE9EkG2NDcU9n5Jy01OSXsmyUIDl',
  INSTRUCTION_SIGNING_KEY_ID: 'ansinh-test-1',
  ANSINH_INSTRUCTION_PUBLIC_KEY: 'MCowBQYDK2VwAyEAbfsvuNFxVLJVaEP980ahabmj0VtPnG5qfyzfnsw89zg=',
  BANK_STAND_IN_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEINa90UpchyopzlnwXDkVQutqYqwLDyKp5dQN/3Le/73D',
  BANK_RESULT_PUBLIC_KEYS: '{"*":"MCowBQYDK2VwAyEAvfRYh5g5i93Yhzs2/ZdrK9jKkWNXHu21r66b/u2Jewg="}',
  // concurrent test runs on one machine share Redis; each test database gets its own queues
  QUEUE_PREFIX: `test-${process.env.ANSINH_TEST_DATABASE ?? 'ansinh_test'}`,
  // and their own consumer groups, so two runs on one broker never take each other's partitions
  KAFKA_CONSUMER_GROUP_SUFFIX: `-${process.env.ANSINH_TEST_DATABASE ?? 'ansinh_test'}`,
  // payouts: short waits so retries, timeouts and the sweep happen within a test
  PAYOUT_MAX_SENDS: '3',
  PAYOUT_RETRY_BASE_MS: '150',
  PAYOUT_RETRY_CAP_MS: '1000',
  PAYOUT_RESULT_TIMEOUT_MS: '1500',
  PAYOUT_SWEEP_INTERVAL_MS: '300',
  CYCLE_SCHEDULE_ENABLED: 'false',
  IDENTITY_SWEEP_INTERVAL_MS: '300',
  DEATH_FEED_INTERVAL_MS: '300',
  POPULATION_REGISTRY_URL: 'http://127.0.0.1:4120',
} as const;

export const ADMIN_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

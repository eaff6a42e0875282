import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_ENV, waitFor } from './test-environment';

const ROOT = path.resolve(__dirname, '../..');

const ENTRY_POINTS = {
  beneficiary: 'dist/apps/beneficiary/apps/beneficiary/src/main.js',
  payment: 'dist/apps/payment/apps/payment/src/main.js',
  notification: 'dist/apps/notification/apps/notification/src/main.js',
  'population-registry-stand-in': 'dist/stand-ins/population-registry/stand-ins/population-registry/src/main.js',
  'bank-stand-in': 'dist/stand-ins/bank/stand-ins/bank/src/main.js',
  'messaging-providers-stand-in': 'dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js',
} as const;
export type ServiceName = keyof typeof ENTRY_POINTS;

/**
 * Per-service defaults a test can override. The bank stand-in answers Kafka instructions only when a
 * test asks for it: a test that needs only name-enquiry must not answer the instructions another
 * test, running at the same time on the same broker, publishes.
 */
const SERVICE_DEFAULTS: Partial<Record<ServiceName, Record<string, string>>> = {
  'bank-stand-in': { BANK_STAND_IN_KAFKA_ENABLED: 'false' },
};

/** A service running as a real process from its build output, as it runs in production. */
export class ServiceProcess {
  private exit?: Promise<number | null>;
  output = '';

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? null : code)));
    child.stdout?.on('data', (chunk) => (this.output += chunk));
    child.stderr?.on('data', (chunk) => (this.output += chunk));
  }

  static spawn(name: ServiceName, port: number, env: Record<string, string> = {}): ServiceProcess {
    const entry = path.join(ROOT, ENTRY_POINTS[name]);
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...TEST_ENV, PORT: String(port), HTTP_HOST: '127.0.0.1', ...SERVICE_DEFAULTS[name], ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, port, child);
  }

  /** Starts a service and resolves once its readiness check (PostgreSQL, Redis, Kafka) is green. */
  static async start(name: ServiceName, port: number, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(name, port, env);
    // Stand-ins of external parties have no readiness endpoint of ours; any HTTP answer means up.
    const readiness = name.endsWith('-stand-in') ? '/' : '/health';
    await waitFor(
      async () => {
        if (service.child.exitCode !== null) throw new Error(`${name} exited with ${service.child.exitCode}:\n${service.output}`);
        const response = await fetch(`http://127.0.0.1:${port}${readiness}`).catch(() => undefined);
        return readiness === '/' ? response !== undefined : response?.status === 200;
      },
      `${name} to become healthy`,
      60_000,
      100,
    ).catch((error) => {
      service.child.kill('SIGKILL');
      throw error;
    });
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process dies at once, as in a power cut: no shutdown hooks, no offset commits. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exit;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exit;
  }

  exitCode(): Promise<number | null> {
    return this.exit!;
  }
}

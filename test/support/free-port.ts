import { createServer } from 'node:net';

/**
 * A loopback port nobody listens on right now. Tests that start services take one each, so two test runs on one
 * machine never fight over a fixed port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

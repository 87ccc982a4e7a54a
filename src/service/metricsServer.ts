import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  /** The port it listens on (the one chosen when 0 was asked for). */
  port: number;
  close(): Promise<void>;
}

/** What `GET /health` answers: 200 when `ok`, else 503; the rest as JSON for a person. */
export interface Health {
  ok: boolean;
  [detail: string]: unknown;
}

/**
 * Serves a prom-client registry at `GET /metrics` (Prometheus text format) on every
 * interface, and `health()` at `GET /health` (for a container's health check); anything else
 * is a 404.
 */
export const startMetricsServer = async (options: {
  port: number;
  registry: Registry;
  /** @defaultValue always ok */
  health?: () => Health;
  /** @defaultValue every interface */
  host?: string;
}): Promise<MetricsServer> => {
  const { registry } = options;
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      const health = options.health?.() ?? { ok: true };
      response
        .writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(`${JSON.stringify(health)}\n`);
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found: try GET /metrics or GET /health\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Config } from '../config/types.js';

/** Node's own cap on waiting for request headers (its default, `http.Server.headersTimeout`). */
const MAX_HEADERS_TIMEOUT_MS = 60_000;

/** How often a closing server ends the keep-alive sockets whose last request has been answered. */
const CLOSE_SWEEP_MS = 50;

/** A listening alertcord HTTP server. */
export interface HttpServer {
  server: Server;
  address: AddressInfo;
  /** `http://host:port` as bound (IPv6 hosts bracketed). */
  url: string;
  /**
   * Stops accepting and resolves once every connection is closed: idle keep-alive sockets end at once,
   * a request in flight is answered first and its socket ended as soon as it idles.
   */
  close(): Promise<void>;
}

/** Where to listen, when not `server.host` / `server.port` (tests bind 127.0.0.1:0). */
export interface ListenOverrides {
  host?: string;
  port?: number;
}

/**
 * The Node HTTP server options that bound how long a client may take (slowloris): the whole request,
 * headers and body, must arrive within `server.request_timeout` (`requestTimeout`: Node answers 408 and
 * closes), headers within at most 60 s, and the sweep that enforces both runs often enough for the
 * timeout to be meant (Node's default sweep is every 30 s). `request_timeout: 0` lifts the whole-request
 * limit only: Node takes a `headersTimeout` of 0 as none at all, which would let a client that never
 * finishes its headers hold a socket forever.
 */
export function serverTimeouts(requestTimeoutMs: number): { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number } {
  const bound = requestTimeoutMs > 0 ? Math.min(requestTimeoutMs, MAX_HEADERS_TIMEOUT_MS) : MAX_HEADERS_TIMEOUT_MS;
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: bound,
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.ceil((requestTimeoutMs || bound) / 10))),
  };
}

/**
 * Binds the app to a socket the way production runs it (main.ts) and the socket tests run it
 * (test/helpers/bridge.ts), so request timeouts are the same in both. Also sets the socket idle
 * timeout to `server.request_timeout`.
 */
export async function startHttpServer(app: Pick<Hono, 'fetch'>, config: Config, overrides: ListenOverrides = {}): Promise<HttpServer> {
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: serverTimeouts(config.server.requestTimeoutMs) }) as Server;
  server.setTimeout(config.server.requestTimeoutMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(overrides.port ?? config.server.port, overrides.host ?? config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    address,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Node answers a request in flight with `Connection: keep-alive` and then keeps its socket until
        // keepAliveTimeout; ended as it idles, the close does not wait for that.
        const sweep = setInterval(() => server.closeIdleConnections(), CLOSE_SWEEP_MS);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

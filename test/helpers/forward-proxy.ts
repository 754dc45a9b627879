import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';

/** A tiny HTTP proxy on 127.0.0.1 for proxy tests: CONNECT tunnels and absolute-form forwarding, counted. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** `host:port` of each CONNECT. */
  connects: string[];
  /** Absolute URL of each forwarded (non-CONNECT) request. */
  forwards: string[];
  /** The Proxy-Authorization header of each request (CONNECT or forwarded). */
  auth: (string | undefined)[];
  /** CONNECTs + forwards. */
  count(): number;
  close(): Promise<void>;
}

/** Only loopback targets are served (tests never reach the network); anything else gets 403. */
const LOOPBACK = '127.0.0.1';

/** Starts the proxy on 127.0.0.1, a free port. */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const auth: (string | undefined)[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    forwards.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '', 'http://invalid');
    if (target.hostname !== LOOPBACK) {
      res.writeHead(403).end();
      return;
    }
    const headers = { ...req.headers, host: target.host };
    delete headers['proxy-authorization'];
    const upstream = request({ host: LOOPBACK, port: Number(target.port), path: `${target.pathname}${target.search}`, method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    auth.push(req.headers['proxy-authorization']);
    const [host, port] = (req.url ?? '').split(':');
    if (host !== LOOPBACK) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), LOOPBACK, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    connects,
    forwards,
    auth,
    count: () => connects.length + forwards.length,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

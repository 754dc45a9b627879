import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through a relay: who sent it, when, and what the upstream answered. */
export interface RelayedRequest {
  /** The relay's tag: which client (e.g. replica) sent it. */
  readonly tag: string;
  readonly method: string;
  readonly path: string;
  readonly body: string;
  /** Epoch ms when the whole request had arrived at the relay (just before it was forwarded). */
  readonly at: number;
  /** Upstream status, once answered (undefined while in flight, or when the upstream failed). */
  status?: number;
  /** Epoch ms when the upstream's answer arrived. */
  answeredAt?: number;
}

/** A transparent HTTP relay on 127.0.0.1 in front of one upstream origin, logging every request with its tag. */
export interface TaggingRelay {
  /** `http://127.0.0.1:PORT`: give this origin to the client instead of the upstream's. */
  readonly origin: string;
  /** `127.0.0.1:PORT` (for DISCORD_ALLOWED_HOSTS). */
  readonly host: string;
  close(): Promise<void>;
}

/**
 * Starts a relay that forwards every request to `upstream` (an `http://127.0.0.1:PORT` origin) unchanged
 * and pushes a {@link RelayedRequest} tagged `tag` into `log` (shared by several relays, it is one
 * timeline of who sent what). Several clients behind several relays reach the same upstream, and each
 * request stays attributable. The upstream answer is relayed as is; a client that is gone (killed) does not
 * stop the forwarded request, as with a real network.
 */
export async function startTaggingRelay(upstream: string, tag: string, log: RelayedRequest[]): Promise<TaggingRelay> {
  const target = new URL(upstream);
  if (target.hostname !== '127.0.0.1') throw new Error(`relay upstream must be on 127.0.0.1, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true });
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const entry: RelayedRequest = { tag, method: req.method ?? 'GET', path: req.url ?? '/', body, at: Date.now() };
      log.push(entry);
      const headers = { ...req.headers, host: target.host };
      const up = request({ host: target.hostname, port: Number(target.port), path: entry.path, method: entry.method, headers, agent }, (answer) => {
        entry.status = answer.statusCode;
        entry.answeredAt = Date.now();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

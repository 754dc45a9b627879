import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a raw exchange saw: the bytes answered, when the first arrived, how much we had sent by then. */
export interface RawExchange {
  /** Everything the server wrote, as latin1 text. */
  response: string;
  /** Status of the first response line, or undefined when the socket closed without one. */
  status?: number;
  /** ms from connect to the first answer byte (undefined: none). */
  answeredAfterMs?: number;
  /** Body bytes we had written when the first answer byte arrived. */
  sentWhenAnswered?: number;
  /** ms from connect until the server closed the socket (or we gave up). */
  closedAfterMs: number;
  /** True when we gave up waiting (`giveUpMs`) and destroyed the socket ourselves. */
  gaveUp: boolean;
}

export interface RawOptions {
  /** Request line and headers, ending with the blank line. */
  head: string;
  /** The next piece to write every `everyMs`; undefined writes nothing more (the socket stays open). */
  next?: (sent: number) => string | undefined;
  everyMs?: number;
  giveUpMs?: number;
}

/**
 * A slow or endless client on a raw socket (127.0.0.1): writes `head`, then a piece every `everyMs`,
 * until the server answers and closes, or `giveUpMs` passes. What fetch cannot do: trickle headers,
 * lie about Content-Length, send forever.
 */
export function rawExchange(port: number, options: RawOptions): Promise<RawExchange> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    let answeredAfterMs: number | undefined;
    let sentWhenAnswered: number | undefined;
    let gaveUp = false;
    socket.on('data', (chunk) => {
      if (answeredAfterMs === undefined) {
        answeredAfterMs = Date.now() - started;
        sentWhenAnswered = sent;
      }
      response += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.write(options.head);
    const timer = setInterval(() => {
      const piece = options.next?.(sent);
      if (piece === undefined || socket.destroyed || !socket.writable) return;
      sent += Buffer.byteLength(piece);
      socket.write(piece);
    }, options.everyMs ?? 10);
    const giveUp = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, options.giveUpMs ?? 8_000);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response)?.[1];
      resolve({ response, status: status ? Number(status) : undefined, answeredAfterMs, sentWhenAnswered, closedAfterMs: Date.now() - started, gaveUp });
    });
  });
}

/** A loopback HTTP server that only counts what reaches it: the target an SSRF would hit. */
export async function startCanary(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

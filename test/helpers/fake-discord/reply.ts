import type { ServerResponse } from 'node:http';

/** A response the fake is about to send. A string body goes as text/plain (or HTML), else JSON. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** Writes a {@link Reply} unless the socket is already gone; returns whether it was written. */
export function writeReply(res: ServerResponse, reply: Reply): boolean {
  if (res.destroyed || res.writableEnded) return false;
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | undefined;
  if (typeof reply.body === 'string') {
    payload = reply.body;
    headers['content-type'] ??= reply.body.startsWith('<') ? 'text/html' : 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
  return true;
}

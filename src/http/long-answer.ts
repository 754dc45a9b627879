import type { Socket } from 'node:net';
import type { Context } from 'hono';

/**
 * Runs `work` with the request's socket exempt from the idle timeout (`server.request_timeout`, set by
 * serve.ts), for the one route that waits on Discord: `POST /api/validate` takes up to `discord.timeout`
 * (up to 300 s, more with over 8 webhooks asked in rounds). To Node a socket waiting for its answer is idle,
 * so it was destroyed mid-wait while Discord hung (curl: "Empty reply from server"; the dashboard:
 * "alertcord did not answer"). The route's own wait is bounded; receiving the request still is by
 * `requestTimeout`. Only this route pays for it: ingest stays as it is.
 */
export async function withoutIdleTimeout<T>(c: Context, work: () => Promise<T>): Promise<T> {
  const socket = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming?.socket;
  const idleMs = socket?.timeout;
  socket?.setTimeout(0);
  try {
    return await work();
  } finally {
    if (socket && !socket.destroyed && idleMs) socket.setTimeout(idleMs);
  }
}

import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { IngestAuthConfig, IngestSource } from '../config/ingest-auth.js';
import type { Secret } from '../lib/secret.js';
import type { RpcCode } from '../sources/otlp/response.js';
import { presentedCredential, safeEqual } from './admin-auth.js';
import { sendError } from './errors.js';
import { requestHeader } from './node-headers.js';
import { otlpStatusResponse } from './routes/otlp.js';

/** The challenge of a 401 on an ingest route: both ways a sender can present the token (RFC 7235, 7617, 6750). */
export const INGEST_CHALLENGE = 'Bearer realm="alertcord ingest", Basic realm="alertcord ingest", charset="UTF-8"';

/**
 * gRPC UNAUTHENTICATED (grpc `doc/statuscodes.md`), for the OTLP Status of a 401 on /v1/logs. Not (yet)
 * in the OTLP route's `RPC_CODE`, whose type lists only the codes that route answers; the Status
 * encoding takes any int32.
 */
const RPC_UNAUTHENTICATED = 16 as number as RpcCode;

/** Renders a refusal: the JSON envelope on /webhook/*, an OTLP Status on /v1/logs. */
export type Refuse = (c: Context, message: string) => Response;

export interface IngestAuthOptions {
  auth: () => IngestAuthConfig;
  /** The source a request is for (by path); undefined: only INGEST_TOKEN applies (unknown /webhook/ path). */
  source: IngestSource | ((path: string) => IngestSource | undefined);
  refuse?: Refuse;
  logger?: Logger;
}

/** The token a source needs: its own, else INGEST_TOKEN, else none (open, as without auth configured). */
export function tokenFor(auth: IngestAuthConfig, source: IngestSource | undefined): Secret | undefined {
  return (source ? auth.sourceTokens[source] : undefined) ?? auth.token;
}

/**
 * Inbound auth for the ingest routes (issue 8, "Inbound auth"): when a token applies, the request needs
 * `Authorization: Bearer <token>` or basic auth with the token as password (what Alertmanager's
 * `http_config` and Grafana's contact point can send); otherwise 401 with `WWW-Authenticate`, before the
 * body is read. Compared as SHA-256 digests in constant time (`safeEqual`), so neither content nor length
 * leaks; nothing presented is ever logged or echoed.
 */
export function ingestAuth(options: IngestAuthOptions): MiddlewareHandler {
  const refuse = options.refuse ?? refuseJson;
  const warn = throttledWarn(options.logger);
  // Whether the auth in force asks no token of anyone (the default), judged once per config, not per request:
  // then the source is not read from the path (a regular expression per request, bench "ingest").
  let judged: IngestAuthConfig | undefined;
  let open = false;
  // Not async: the usual case returns next()'s promise without a layer of its own (bench "ingest").
  return (c, next) => {
    const auth = options.auth();
    if (auth !== judged) {
      judged = auth;
      open = auth.token === undefined && Object.keys(auth.sourceTokens).length === 0;
    }
    if (open) return next();
    const source = typeof options.source === 'function' ? options.source(c.req.path) : options.source;
    const token = tokenFor(auth, source);
    if (!token) return next();
    const presented = presentedCredential(requestHeader(c, 'authorization'));
    if (presented !== undefined && safeEqual(presented, token.reveal())) return next();
    warn(source ?? 'unknown', presented === undefined ? 'missing' : 'wrong');
    c.header('WWW-Authenticate', INGEST_CHALLENGE);
    return Promise.resolve(refuse(c, `ingest token required: send Authorization: Bearer <token> (or basic auth with it as the password)`));
  };
}

/** The JSON error envelope's 401. */
export const refuseJson: Refuse = (c, message) => sendError(c, { status: 401, code: 'unauthorized', message });

/** An OTLP `google.rpc.Status` 401 (UNAUTHENTICATED), in the request's encoding (OTLP/HTTP "Failures"). */
export const refuseOtlp: Refuse = (c, message) => otlpStatusResponse(c, 401, RPC_UNAUTHENTICATED, message);

/** The source of a /webhook/<source>[/...] path. */
export function webhookSource(path: string): IngestSource | undefined {
  const m = /^\/webhook\/(alertmanager|grafana|generic)(?:\/|$)/.exec(path);
  return m?.[1] as IngestSource | undefined;
}

/**
 * One warning per source and kind per minute: a misconfigured sender shows up in the log without a
 * scanner flooding it (architecture.md: per-request events are counters, not log lines).
 */
function throttledWarn(logger: Logger | undefined, everyMs = 60_000): (source: string, kind: 'missing' | 'wrong') => void {
  const last = new Map<string, number>();
  return (source, kind) => {
    if (!logger) return;
    const key = `${source}:${kind}`;
    const now = Date.now();
    if ((last.get(key) ?? -Infinity) + everyMs > now) return;
    last.set(key, now);
    logger.warn({ source, credential: kind }, 'ingest request refused: %s credential (401)', kind);
  };
}

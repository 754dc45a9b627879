import { Hono } from 'hono';
import type { Intake } from '../../delivery/intake-types.js';
import type { AlertGroup } from '../../model/alert.js';
import { parseAlertmanager } from '../../sources/alertmanager/parse.js';
import { parseGeneric } from '../../sources/generic/parse.js';
import { parseGrafana } from '../../sources/grafana/parse.js';
import type { ParseResult } from '../../sources/types.js';
import { sendError, type HttpFailure } from '../errors.js';
import { readJsonBody, type BodyVerifier, type ReadLimits } from '../read-json.js';

export interface IngestDeps {
  intake: () => Intake;
  limits: () => ReadLimits;
  /** Told of every successfully parsed batch of groups (metrics: alerts received by source and status). */
  onParsed?: (groups: readonly AlertGroup[]) => void;
  /** Per-source checks of the raw body before parsing (Grafana's HMAC signature). */
  verify?: Partial<Record<'alertmanager' | 'grafana' | 'generic', BodyVerifier>>;
}

type Parser = (body: unknown, params: Record<string, string>) => ParseResult;

const NO_PARAMS: Record<string, string> = Object.freeze({});

/**
 * One route per wire format; all share the same read → parse → intake → 202 path. POST, and PUT as well:
 * Grafana's webhook contact point may be set to PUT, and it drops a notification answered 4xx.
 */
export function ingestRoutes(deps: IngestDeps): Hono {
  const app = new Hono();
  const route = (path: string, parse: Parser, verify?: BodyVerifier) => {
    // One per route where the path has no params: the memory queue keeps it beside each entry of a backlog.
    const reparseUnparameterized = (text: string) => reparse(parse, text, NO_PARAMS);
    return app.on(['POST', 'PUT'], path, async (c) => {
      const body = await readJsonBody(c, deps.limits(), verify);
      if (!body.ok) return sendError(c, body.failure);
      // Read only where the path has some (Hono decodes them all on every call, ~1 µs per request).
      const params = path.includes(':') ? (c.req.param() as Record<string, string>) : NO_PARAMS;
      const parsed = parse(body.value, params);
      if (!parsed.ok) {
        return sendError(c, { status: 400, code: 'invalid_payload', message: 'payload does not match the expected shape', details: parsed.issues });
      }
      deps.onParsed?.(parsed.groups);
      // The body's text goes along: the memory queue keeps it rather than serializing each notification.
      const again = params === NO_PARAMS ? reparseUnparameterized : (text: string) => reparse(parse, text, params);
      const result = await deps.intake().accept(parsed.groups, { text: body.text, bytes: body.bytes, reparse: again });
      if (!result.ok) return sendError(c, unavailable(result.reason, result.message, result.retryAfterSeconds));
      const { accepted, notifications, duplicates, skipped, muted, warnings } = result;
      return c.json({ accepted, notifications, duplicates, skipped, muted, ...(warnings ? { warnings } : {}) }, 202);
    });
  };
  const verify = deps.verify ?? {};
  route('/alertmanager', (body) => parseAlertmanager(body), verify.alertmanager);
  route('/grafana', (body) => parseGrafana(body), verify.grafana);
  route('/generic', (body) => parseGeneric(body), verify.generic);
  route('/generic/:type', (body, params) => parseGeneric(body, { type: params.type }), verify.generic);
  return app;
}

/** The groups `parse` made of this text before: it is a pure function of the body (store TextForm). */
function reparse(parse: Parser, text: string, params: Record<string, string>): AlertGroup[] {
  const parsed = parse(JSON.parse(text), params);
  if (!parsed.ok) throw new Error('a request body that parsed once no longer does');
  return parsed.groups;
}

/** Queue full / store down / stopping: 503 with Retry-After, which Alertmanager retries with backoff (a 4xx only at its next group_interval). */
function unavailable(reason: 'queue_full' | 'unavailable' | 'shutting_down', message: string, retryAfter: number): HttpFailure {
  return { status: 503, code: reason, message, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfter))) } };
}

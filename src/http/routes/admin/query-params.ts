import type { Context } from 'hono';
import { z } from 'zod';
import { sendError, type ErrorDetail } from '../../errors.js';

/** `YYYY-MM-DD`, optionally with a time that names its zone (`Z` or `±hh:mm`): RFC 3339 / ISO 8601. */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * A time's positive offset whose `+` a query string decoded as a space (`?since=…T12:00:00+02:00` typed
 * unencoded, as in a curl command line): a space there cannot mean anything else.
 */
const SPACED_OFFSET = /(T[\d:.]+) (\d{2}:\d{2})$/i;

/**
 * An instant given as epoch milliseconds (digits only) or ISO 8601 (a date, UTC midnight; or a date-time
 * with its zone, since a zone-less time would depend on the server's). Undefined when it is neither, or
 * names a day that does not exist (V8 would roll 2026-02-30 over to March).
 */
export function parseInstant(given: string): number | undefined {
  if (/^\d{1,15}$/.test(given)) return Number(given);
  const text = given.replace(SPACED_OFFSET, '$1+$2');
  const parts = ISO_8601.exec(text);
  if (!parts) return undefined;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day) return undefined;
  const at = Date.parse(text.toUpperCase());
  return Number.isFinite(at) ? at : undefined;
}

/** A query parameter holding an instant (see `parseInstant`), as epoch ms. */
export const instantParam = z.string().transform((text, ctx) => {
  const at = parseInstant(text);
  if (at === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time (e.g. 2026-01-10T12:00:00Z) or epoch milliseconds' });
    return z.NEVER;
  }
  return at;
});

/**
 * A `limit` query parameter: a positive integer, capped at `max` (a larger one is not an error, however
 * many digits it has: capped before the integer check, which would refuse what reads as Infinity).
 */
export function limitParam(max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'expected a positive integer')
    .transform((text) => Math.min(Number(text), max))
    .pipe(z.number().int().min(1, 'expected a positive integer'));
}

/** Zod findings as the envelope's details: one per problem, an unknown parameter under its own name. */
export function queryIssues(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: 'unknown query parameter' }))
      : [{ path: issue.path.map(String).join('.'), message: issue.message }],
  );
}

/**
 * Parses the request's query string with `schema`: the data, or a 400 envelope (`invalid_payload`) listing
 * every problem with its parameter as `path`.
 */
export function parseQuery<S extends z.ZodType>(c: Context, schema: S): { ok: true; data: z.output<S> } | { ok: false; response: Response } {
  const parsed = schema.safeParse(c.req.query());
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, response: sendError(c, { status: 400, code: 'invalid_payload', message: 'invalid query parameters', details: queryIssues(parsed.error) }) };
}

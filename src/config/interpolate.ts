import { redactUrls } from '../lib/redact-urls.js';
import type { ConfigIssue } from './issues.js';

/** `$${` (a literal `${`), or `${NAME}` / `${NAME:-default}` (name and default captured). */
const TOKEN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed YAML tree with environment
 * values. Done on parsed values, not the raw text, so a variable's content can never change the YAML
 * structure. An unset variable without default becomes "" (an unset webhook is "not configured").
 * `$${` escapes a literal `${`.
 */
export function interpolateEnv(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolateString(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateEnv(v, env));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env);
    return out;
  }
  return value;
}

function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(TOKEN, (_whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const found = env[name];
    return found !== undefined && found !== '' ? found : (fallback ?? '');
  });
}

/**
 * The variable names a parsed YAML tree references as `${NAME}` (escaped `$${` excluded), so their
 * `NAME_FILE` variants can be read too: a per-source token written `${AM_TOKEN}` may come from a
 * container secret file, like every built-in secret.
 */
export function referencedVariables(value: unknown, out = new Set<string>()): string[] {
  if (typeof value === 'string') {
    for (const m of value.matchAll(TOKEN)) if (m[1]) out.add(m[1]);
  } else if (Array.isArray(value)) {
    for (const v of value) referencedVariables(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) referencedVariables(v, out);
  }
  return [...out];
}

/**
 * Each string of the tree holding a `${` that is none of the forms read: compose's `${NAME:?message}` or
 * `${NAME-default}`, the OpenTelemetry Collector's `${env:NAME}`, a nested default. Left as written, such
 * text became the value (an ingest token readable in the file, while the real sender got 401s) without a
 * word. Issues carry the YAML path, never the text (what is inside the braces may be a pasted secret).
 */
export function interpolationIssues(value: unknown, path: readonly (string | number)[] = []): ConfigIssue[] {
  if (typeof value === 'string') {
    const rest = value.replace(TOKEN, (whole, name: string | undefined, fallback: string | undefined) => (name !== undefined && fallback?.includes('${') ? whole : ''));
    if (!rest.includes('${')) return [];
    return [{ path: redactUrls(path.join('.')) || '(root)', message: 'has a ${…} that is not read (such as ${NAME:?…}, ${NAME-…}, ${env:NAME} or a nested default): alertcord reads ${NAME} and ${NAME:-default} (write $${ for a literal ${)' }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => interpolationIssues(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => interpolationIssues(v, [...path, k]));
  return [];
}

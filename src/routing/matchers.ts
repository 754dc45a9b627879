/**
 * Alertmanager label matchers: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`, one at a
 * time or as a list (`{a="1", b=~"x|y"}`). The syntax and semantics follow Alertmanager's `pkg/labels`
 * (`parse.go`, `matcher.go`), which our users already write in `alertmanager.yml`:
 * - label names are Prometheus label names (`[a-zA-Z_:][a-zA-Z0-9_:]*`), or any name in double quotes
 *   (Alertmanager 0.27+'s UTF-8 matchers: `"service.name"="x"`);
 * - values may be double-quoted or bare; inside them `\"`, `\\` and `\n` are escapes, any other
 *   backslash is literal; whitespace around each token is ignored;
 * - regexes are fully anchored (`^(?:re)$`), leading Go flags `(?i)`, `(?s)` are honoured, `.` matches
 *   one code point other than "\n", and RE2's `\x{…}` and `\p{Greek}` work (see {@link compileAnchoredRegex});
 * - a missing label equals the empty string, so `foo=""` matches its absence and `foo!=""` needs it.
 *
 * Stricter than Alertmanager where its leniency hides typos: a bare value may not start with `=` or `~`
 * (`sev==x` is an error, not `sev` equal to `"=x"`), and a list's braces must be balanced.
 * Errors are values naming the offending text and a 1-based position in the input; nothing throws.
 */

import { compileAnchoredRegex } from './go-regex.js';
import type { AnchoredMatcher } from './linear-regex.js';

/** The four match operators, as in PromQL selectors. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** Prometheus label name syntax, anchored. */
export const LABEL_NAME_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** One parsed matcher. Regex operators carry their compiled, fully anchored regex. */
export type Matcher =
  | { readonly name: string; readonly op: '=' | '!='; readonly value: string }
  | { readonly name: string; readonly op: '=~' | '!~'; readonly value: string; readonly regex: AnchoredMatcher };

/** Result of parsing one matcher: the matcher, or an error message for the user. */
export type MatcherResult = { ok: true; matcher: Matcher } | { ok: false; error: string };

/** Result of parsing a list; `index` names the failing element when a string[] was given. */
export type MatchersResult = { ok: true; matchers: Matcher[] } | { ok: false; error: string; index?: number };

/** Two-character operators first, so `=~` is not read as `=` followed by a value `~…`. */
const OPS: readonly MatchOp[] = ['=~', '!=', '!~', '='];
const NAME_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

type Step<T> = { ok: true; value: T; end: number } | { ok: false; at: number; detail: string };

/**
 * Parses one matcher such as `severity="critical"`, `env!=prod` or `job=~"api|web"`.
 * Never throws: a bad matcher (syntax or regex) is `{ ok: false, error }`.
 */
export function parseMatcher(text: string): MatcherResult {
  return parseToken(text, 0);
}

/**
 * Parses a comma-separated list, optionally in braces (`{a="1", b=~"x|y"}`); commas inside quotes do not
 * split, a trailing comma is allowed, an empty list (`""`, `{}`) yields no matchers. Given a string[]
 * (YAML `match: [...]`), each element is such a list and the results are concatenated, as Alertmanager
 * does for `matchers:`. The first error wins; use one call per element to collect them all.
 */
export function parseMatchers(textOrList: string | readonly string[]): MatchersResult {
  if (typeof textOrList === 'string') return parseList(textOrList);
  const all: Matcher[] = [];
  for (const [index, text] of textOrList.entries()) {
    const result = parseList(text);
    if (!result.ok) return { ok: false, error: result.error, index };
    all.push(...result.matchers);
  }
  return { ok: true, matchers: all };
}

/** True when every matcher matches `labels` (a missing label counts as `""`); an empty list matches all. */
export function matches(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchesLabel(matchers, (name) => (Object.hasOwn(labels, name) ? labels[name] : undefined));
}

/** {@link matches} over a label lookup (undefined: the label is absent), so no label object has to be built. */
export function matchesLabel(matchers: readonly Matcher[], label: (name: string) => string | undefined): boolean {
  for (const m of matchers) if (!matchValue(m, label(m.name) ?? '')) return false;
  return true;
}

/** True when one matcher accepts one label value. */
export function matchValue(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return m.regex.test(value);
    case '!~':
      return !m.regex.test(value);
  }
}

/**
 * The canonical text of a matcher (`name="value"`, value quoted and escaped), for messages and docs.
 * Parsing it again yields the same matcher.
 */
export function formatMatcher(m: Matcher): string {
  const name = LABEL_NAME_PATTERN.test(m.name) ? m.name : `"${escapeQuoted(m.name)}"`;
  return `${name}${m.op}"${escapeQuoted(m.value)}"`;
}

function escapeQuoted(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function parseList(input: string): MatchersResult {
  const split = splitList(input);
  const listError = (at: number, detail: string): MatchersResult => ({
    ok: false,
    error: `invalid matchers ${quoteText(input.trim())}: position ${at + 1}: ${detail}`,
  });
  if (!split.ok) return listError(split.at, split.detail);
  const matchers: Matcher[] = [];
  for (const { start, end } of split.value) {
    if (input.slice(start, end).trim() === '') return listError(start, 'empty matcher between commas');
    const result = parseToken(input.slice(start, end), start);
    if (!result.ok) return result;
    matchers.push(result.matcher);
  }
  return { ok: true, matchers };
}

/** Splits a list into token ranges on commas outside double quotes (`\"` does not toggle quoting). */
function splitList(input: string): Step<{ start: number; end: number }[]> {
  let start = input.length - input.trimStart().length;
  let end = input.trimEnd().length;
  const opens = input.charAt(start) === '{';
  const closes = end > start && input.charAt(end - 1) === '}';
  if (opens && (!closes || end - start < 2)) return { ok: false, at: start, detail: '"{" is never closed' };
  if (!opens && closes) return { ok: false, at: end - 1, detail: 'unexpected "}" without an opening "{"' };
  if (opens) [start, end] = [start + 1, end - 1];

  const ranges: { start: number; end: number }[] = [];
  let inQuotes = false;
  let escaped = false;
  let tokenStart = start;
  for (let i = start; i < end; i++) {
    const c = input.charAt(i);
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === '"') inQuotes = !inQuotes;
    else if (c === ',' && !inQuotes) {
      ranges.push({ start: tokenStart, end: i });
      tokenStart = i + 1;
    }
  }
  if (input.slice(tokenStart, end).trim() !== '') ranges.push({ start: tokenStart, end });
  return { ok: true, value: ranges, end };
}

/** Parses one matcher token; `base` is its offset in the input, so positions refer to what the user wrote. */
function parseToken(token: string, base: number): MatcherResult {
  const fail = (at: number, detail: string): MatcherResult => ({
    ok: false,
    error: `invalid matcher ${quoteText(token.trim())}: position ${base + at + 1}: ${detail}`,
  });
  let i = skipSpace(token, 0);
  if (i === token.length) return fail(i, 'empty matcher');
  const named = labelName(token, i);
  if (!named.ok) return fail(named.at, named.detail);
  const name = named.value;
  i = skipSpace(token, named.end);
  const op = OPS.find((candidate) => token.startsWith(candidate, i));
  if (op === undefined) return fail(i, `expected one of =, !=, =~, !~ after "${name}", found ${describeAt(token, i)}`);
  i = skipSpace(token, i + op.length);
  const value = token.charAt(i) === '"' ? quotedValue(token, i) : bareValue(token, i, op);
  if (!value.ok) return fail(value.at, value.detail);
  if (op === '=' || op === '!=') return { ok: true, matcher: { name, op, value: value.value } };
  const compiled = compileAnchoredRegex(value.value);
  if (!compiled.ok) return fail(i, `invalid regex ${JSON.stringify(value.value)} (${compiled.error})`);
  return { ok: true, matcher: { name, op, value: value.value, regex: compiled.regex } };
}

/**
 * A Prometheus label name, or any non-empty name in double quotes (Alertmanager 0.27+'s UTF-8 matchers:
 * `"service.name"="checkout"`, the dotted names OpenTelemetry attributes bring), with a value's escapes.
 */
function labelName(token: string, at: number): Step<string> {
  if (token.charAt(at) !== '"') {
    const name = NAME_PREFIX.exec(token.slice(at))?.[0];
    return name === undefined ? { ok: false, at, detail: `expected a label name, found ${describeAt(token, at)}` } : { ok: true, value: name, end: at + name.length };
  }
  const scanned = unescape(token, at + 1, token.length);
  if (scanned.end === token.length) return { ok: false, at, detail: 'unterminated quoted label name' };
  if (scanned.value === '') return { ok: false, at, detail: 'empty label name' };
  return { ok: true, value: scanned.value, end: scanned.end + 1 };
}

function quotedValue(token: string, open: number): Step<string> {
  const scanned = unescape(token, open + 1, token.length);
  if (scanned.end === token.length) return { ok: false, at: open, detail: 'unterminated quoted value' };
  const rest = skipSpace(token, scanned.end + 1);
  if (rest < token.length) {
    return { ok: false, at: rest, detail: `unexpected ${describeAt(token, rest)} after the closing quote` };
  }
  return { ok: true, value: scanned.value, end: token.length };
}

function bareValue(token: string, start: number, op: MatchOp): Step<string> {
  const first = token.charAt(start);
  if (first === '=' || first === '~') {
    return { ok: false, at: start, detail: `unexpected "${first}" after operator "${op}" (quote the value if it starts with "${first}")` };
  }
  const end = token.trimEnd().length;
  const scanned = unescape(token, start, end);
  if (scanned.end < end) return { ok: false, at: scanned.end, detail: 'unescaped double quote in unquoted value' };
  return { ok: true, value: scanned.value, end };
}

/** Reads a value up to the first unescaped `"` (or `end`), applying OpenMetrics escapes as Alertmanager does. */
function unescape(text: string, start: number, end: number): { value: string; end: number } {
  let value = '';
  let i = start;
  for (; i < end; i++) {
    const c = text.charAt(i);
    if (c === '"') break;
    const next = text.charAt(i + 1);
    if (c === '\\' && i + 1 < end && (next === '"' || next === '\\' || next === 'n')) {
      value += next === 'n' ? '\n' : next;
      i++;
    } else {
      value += c;
    }
  }
  return { value, end: i };
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  return i;
}

/** Quotes user text for a message; single quotes when it holds double quotes, to avoid a wall of `\\"`. */
function quoteText(text: string): string {
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

function describeAt(text: string, i: number): string {
  return i >= text.length ? 'end of input' : JSON.stringify(text.charAt(i));
}

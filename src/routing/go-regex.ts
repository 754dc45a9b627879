/**
 * Alertmanager's regexes are Go's (RE2), compiled as `^(?:value)$`. This module compiles them as JavaScript
 * RegExps that accept the same label values, rewriting the RE2 spellings JavaScript reads differently.
 */
import { linearRegex, type AnchoredMatcher } from './linear-regex.js';

/**
 * Go (RE2) flags at the very start of a regex (`(?i)crit.*`), which Alertmanager users write and Node 20's
 * RegExp has no syntax for. `i` and `s` become JS flags; `U` (ungreedy) is dropped: greediness never
 * changes whether a fully anchored regex matches. `m` is not taken: as a JS flag it would turn the
 * anchoring `^…$` into line anchors. Flags elsewhere in the pattern stay a syntax error.
 */
const LEADING_GO_FLAGS = /^\(\?([isU]+)\)/;

/**
 * RE2 syntax that JavaScript's legacy (non-Unicode) syntax, the fallback below, reads as another valid
 * regex instead of refusing it: POSIX classes in brackets (`[[:alpha:]]` would be a class of ":ahlp" then
 * "]"), Unicode classes (`\pL`, `\p{Greek}`: a "p"), code points (`\x{1F525}`: an "x" repeated), quoting
 * (`\Q…\E`) and the text anchors `\A`, `\z` (letters). A route using one would load and silently never
 * match; unescaped ones (an even run of backslashes before) are refused instead.
 */
const RE2_ONLY = /(?<!\\)(?:\\\\)*(\[:\^?[a-z]+:\]|\\[pP][A-Za-z{]|\\x\{|\\[QEAz])/;

/** `\x{1F525}`, `\p{Greek}`, `\P{Lu}`, `\p{^Greek}` (RE2's negation) at a given index. */
const BRACED_ESCAPE = /\\([xpP])\{(\^?)([A-Za-z0-9_]+)\}/y;

/** ASCII punctuation Go lets one escape and Unicode mode does not (outside its syntax characters and `/`). */
const PUNCTUATION_ESCAPE = /^[!"#%&',\-:;<=>@_`~]$/;

/**
 * Compiles an Alertmanager regex value, fully anchored as Alertmanager does (`^(?:value)$`), run in linear
 * time where backtracking could explode ({@link linearRegex}); the error
 * detail when it is not a valid regex. Closer to Go's RE2 than a bare RegExp: leading `(?i)` / `(?s)` flags
 * are honoured, the pattern is compiled in Unicode mode so `.`, `[^x]` and `🔥+` work on code points
 * (runes) as in Go, not on UTF-16 halves, and RE2 spellings are rewritten ({@link toJavaScript}). Go accepts
 * syntax Unicode mode refuses (a lone `{`, as in `a{,2}`): such a pattern is compiled without it, as before,
 * unless it holds RE2 syntax that mode would misread ({@link RE2_ONLY}), which is refused.
 */
export function compileAnchoredRegex(value: string): { ok: true; regex: AnchoredMatcher } | { ok: false; error: string } {
  const leading = LEADING_GO_FLAGS.exec(value);
  const pattern = leading ? value.slice(leading[0].length) : value;
  const flags = leading ? [...new Set(leading[1]!.replace(/U/g, ''))].join('') : '';
  const dotAll = flags.includes('s');
  const js = toJavaScript(pattern, dotAll, true);
  let regex: RegExp | undefined;
  try {
    regex = anchored(js, `${flags}u`);
  } catch {
    // Not valid in Unicode mode; try the legacy syntax, whose error is the one reported.
  }
  // RE2 is linear in the value whatever the pattern; V8's backtracking is not (see linear-regex.ts).
  if (regex) {
    const linear = linearRegex(js, `${flags}u`);
    return linear && 'error' in linear ? { ok: false, error: linear.error } : { ok: true, regex: linear ?? regex };
  }
  const re2 = RE2_ONLY.exec(pattern)?.[1];
  if (re2 !== undefined) {
    return { ok: false, error: `RE2 syntax ${re2} is not supported here, or not beside the rest of this pattern; write it out (e.g. [a-zA-Z] for [[:alpha:]], \\p{L} for \\pL, \\{ for a literal {)` };
  }
  try {
    return { ok: true, regex: anchored(toJavaScript(pattern, dotAll, false), flags) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: /: ([^:]+)$/.exec(message)?.[1] ?? message };
  }
}

/**
 * The pattern in JavaScript's spelling. Go's `.` excludes only "\n" where JavaScript's also excludes "\r",
 * U+2028 and U+2029, so outside classes it becomes `[^\n]` (unless `(?s)`). In Unicode mode, `\x{…}`
 * becomes `\u{…}`, a script (`\p{Greek}`, which JavaScript names `\p{Script=Greek}`) or RE2's negation
 * `\p{^…}` is spelled out, and escaped punctuation that mode refuses (`\-`, `\:`) becomes `\xHH`. A `]` first
 * in a class, a literal in Go, is escaped. Anything else is copied, escapes as they are.
 */
function toJavaScript(pattern: string, dotAll: boolean, unicode: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      const rewritten = unicode ? unicodeEscape(pattern, i) : undefined;
      out += rewritten?.text ?? pattern.slice(i, i + 2);
      i = rewritten ? rewritten.end - 1 : i + 1;
      continue;
    }
    if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      // Go reads a `]` first in a class (`[]a]`, `[^]]`) as a literal; JavaScript as the end of `[]` / `[^]`.
      const open = pattern.startsWith('^', i + 1) ? '[^' : '[';
      if (pattern.charAt(i + open.length) === ']') {
        out += `${open}\\]`;
        i += open.length;
        continue;
      }
    }
    out += c === '.' && !inClass && !dotAll ? '[^\\n]' : c;
  }
  return out;
}

/** The Unicode-mode spelling of the RE2 escape at `at`; undefined when it needs none (copied as written). */
function unicodeEscape(pattern: string, at: number): { text: string; end: number } | undefined {
  const next = pattern.charAt(at + 1);
  if (PUNCTUATION_ESCAPE.test(next)) return { text: `\\x${next.charCodeAt(0).toString(16)}`, end: at + 2 };
  BRACED_ESCAPE.lastIndex = at;
  const found = BRACED_ESCAPE.exec(pattern);
  if (!found) return undefined;
  const [whole, kind, caret, name] = found as unknown as [string, string, string, string];
  const end = at + whole.length;
  if (kind === 'x') return !caret && /^[0-9A-Fa-f]+$/.test(name) ? { text: `\\u{${name}}`, end } : undefined;
  const letter = (kind === 'P') !== (caret === '^') ? 'P' : 'p';
  const property = [name, `Script=${name}`].find(isUnicodeProperty);
  return property === undefined ? undefined : { text: `\\${letter}{${property}}`, end };
}

function isUnicodeProperty(property: string): boolean {
  try {
    new RegExp(`\\p{${property}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

/** `^(?:pattern)$` with `flags`; throws when the pattern is not a valid regex. */
function anchored(pattern: string, flags: string): RegExp {
  // Compile alone first: `a)|(b` would otherwise slip out of the anchoring group.
  new RegExp(pattern, flags);
  return new RegExp(`^(?:${pattern})$`, flags);
}

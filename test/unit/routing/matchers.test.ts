import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMatcher, matches, matchValue, parseMatcher, parseMatchers } from '../../../src/routing/matchers.js';
import type { Matcher } from '../../../src/routing/matchers.js';

/** Parses or fails the test with the parser's own message. */
function must(text: string): Matcher {
  const result = parseMatcher(text);
  if (!result.ok) throw new Error(result.error);
  return result.matcher;
}

function mustList(text: string | string[]): Matcher[] {
  const result = parseMatchers(text);
  if (!result.ok) throw new Error(result.error);
  return result.matchers;
}

/** name/op/value only, so tables need not spell out compiled regexes. */
const shape = (m: Matcher) => ({ name: m.name, op: m.op, value: m.value });

describe('parseMatcher: valid', () => {
  it.each([
    ['severity="critical"', 'severity', '=', 'critical'],
    ['env!="prod"', 'env', '!=', 'prod'],
    ['job=~"api|web"', 'job', '=~', 'api|web'],
    ['job!~"batch.*"', 'job', '!~', 'batch.*'],
    ['severity=critical', 'severity', '=', 'critical'],
    ['env!=prod', 'env', '!=', 'prod'],
    ['code=~5..', 'code', '=~', '5..'],
    ['  team  =  "sre"  ', 'team', '=', 'sre'],
    ['team = sre ops ', 'team', '=', 'sre ops'],
    ['foo=""', 'foo', '=', ''],
    ['foo=', 'foo', '=', ''],
    ['foo!=""', 'foo', '!=', ''],
    [':ns_name:=x', ':ns_name:', '=', 'x'],
    ['_x1="a,b"', '_x1', '=', 'a,b'],
    ['msg="say \\"hi\\""', 'msg', '=', 'say "hi"'],
    ['msg=say \\"hi\\"', 'msg', '=', 'say "hi"'],
    ['path="C:\\\\temp"', 'path', '=', 'C:\\temp'],
    ['text="two\\nlines"', 'text', '=', 'two\nlines'],
    ['re=~"\\d+"', 're', '=~', '\\d+'],
    ['x=!y', 'x', '=', '!y'],
    ['emoji="🔥 fire"', 'emoji', '=', '🔥 fire'],
  ])('%s', (text, name, op, value) => {
    expect(shape(must(text))).toEqual({ name, op, value });
  });

  it('treats a backslash not followed by ", \\ or n as literal, as Alertmanager does', () => {
    expect(must('a=\\x').value).toBe('\\x');
    expect(must('a="1\\.5"').value).toBe('1\\.5');
    expect(must('a=end\\').value).toBe('end\\');
  });

  it('compiles regex operators only', () => {
    expect(must('a=~"x"')).toHaveProperty('regex');
    expect(must('a!~"x"')).toHaveProperty('regex');
    expect(must('a="x"')).not.toHaveProperty('regex');
  });
});

describe('parseMatcher: invalid', () => {
  it.each([
    ['sev==x', 'invalid matcher "sev==x": position 5: unexpected "=" after operator "="'],
    ['a=~~x', 'invalid matcher "a=~~x": position 4: unexpected "~" after operator "=~"'],
    ['', 'invalid matcher "": position 1: empty matcher'],
    ['   ', 'invalid matcher "": position 4: empty matcher'],
    ['1a=b', 'invalid matcher "1a=b": position 1: expected a label name, found "1"'],
    ['="x"', `invalid matcher '="x"': position 1: expected a label name, found "="`],
    ['foo-bar="x"', `invalid matcher 'foo-bar="x"': position 4: expected one of =, !=, =~, !~ after "foo", found "-"`],
    ['severity', 'invalid matcher "severity": position 9: expected one of =, !=, =~, !~ after "severity", found end of input'],
    ['a<"x"', `invalid matcher 'a<"x"': position 2: expected one of =, !=, =~, !~ after "a", found "<"`],
    ['a="b', `invalid matcher 'a="b': position 3: unterminated quoted value`],
    ['a="b\\"', `invalid matcher 'a="b\\"': position 3: unterminated quoted value`],
    ['a="b"c', `invalid matcher 'a="b"c': position 6: unexpected "c" after the closing quote`],
    ['a="b", c="d"', `invalid matcher 'a="b", c="d"': position 6: unexpected "," after the closing quote`],
    ['a=b"c', `invalid matcher 'a=b"c': position 4: unescaped double quote in unquoted value`],
    ['a=~"("', `invalid matcher 'a=~"("': position 4: invalid regex "(" (Unterminated group)`],
    ['a!~"[z-a]"', `invalid matcher 'a!~"[z-a]"': position 4: invalid regex "[z-a]"`],
    ['a=~"x)|(y"', `invalid matcher 'a=~"x)|(y"': position 4: invalid regex "x)|(y"`],
  ])('%s', (text, message) => {
    const result = parseMatcher(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.slice(0, message.length)).toBe(message);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseMatcher(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('regex anchoring', () => {
  it.each([
    ['job=~"api"', 'api', true],
    ['job=~"api"', 'api-v2', false],
    ['job=~"api"', 'my-api', false],
    ['job=~"api|web"', 'web', true],
    ['job=~"api|web"', 'webapi', false],
    ['job=~"api.*"', 'api-v2', true],
    ['job=~".*"', '', true],
    ['job=~".+"', '', false],
    ['job!~"api"', 'api-v2', true],
    ['job!~"api|web"', 'web', false],
    ['job=~"a.c"', 'a\nc', false],
    ['job=~"API"', 'api', false],
  ])('%s on %j → %s', (text, value, expected) => {
    expect(matchValue(must(text), value)).toBe(expected);
  });
});

describe('regex: Go (RE2) semantics Alertmanager users rely on', () => {
  it.each([
    ['severity=~"(?i)crit.*"', 'CRITICAL', true],
    ['severity=~"(?i)crit.*"', 'Critical', true],
    ['severity=~"(?i)crit.*"', 'not-critical', false],
    ['job!~"(?i)batch|cron"', 'CRON', false],
    ['msg=~"(?s)a.c"', 'a\nc', true],
    ['msg=~"(?is)A.C"', 'a\nc', true],
    ['msg=~"(?U)a+"', 'aaa', true],
    ['icon=~"."', '🔥', true],
    ['icon=~"🔥+"', '🔥🔥', true],
    ['icon=~"[🔥🚨]"', '🚨', true],
    ['icon=~"[^x]"', '🚨', true],
    ['path=~"x\\-y\\:z"', 'x-y:z', true],
    ['n=~"a{,2}"', 'a{,2}', true],
    // Go's `.` excludes only "\n"; JavaScript's also "\r", U+2028 and U+2029.
    ['msg=~"a.c"', 'a\rc', true],
    ['msg=~".+"', 'line\u2028separator', true],
    ['msg=~"[.]"', 'x', false],
    ['msg=~"\\."', 'x', false],
    ['msg=~"[ab].c"', 'a\rc', true], // a `.` after a class is Go's `.` again
    // In Go a `]` first in a class (after `[` or `[^`) is a literal; JavaScript reads `[]` / `[^]` as a class.
    ['tag=~"[]a]+"', 'a]a', true],
    ['tag=~"[]a]+"', 'a[', false], // the class is "]" and "a" only, not its "["
    ['tag=~"[^]]+"', 'abc', true],
    ['tag=~"[^]]+"', 'ab]', false],
    ['tag=~"x[]]."', 'x]\r', true],
    // Scripts (`\p{Greek}`, negated `\P{…}` or `\p{^…}`) and `\x{…}`, which JavaScript spells otherwise.
    ['city=~"\\p{Han}+"', '東京', true],
    ['city=~"\\p{Greek}+"', 'αθήνα', true],
    ['city=~"\\p{Greek}+"', 'athens', false],
    ['city=~"\\P{Greek}+"', 'athens', true],
    ['city=~"\\p{^Greek}+"', 'athens', true],
    ['city=~"[\\p{Cyrillic}\\p{Latin}]+"', 'Москваmoscow', true],
    ['city=~"\\p{Lu}\\p{Ll}+"', 'Ørsted', true],
    ['icon=~"\\x{1F525}+"', '🔥🔥', true],
    ['icon=~"[\\x{1F525}\\x{1F6A8}]"', '🚨', true],
    // Beside an escape Go takes and Unicode mode refuses (`\-`), which must not lose them either.
    ['id=~"\\p{Greek}\\-\\x{1F525}"', 'Ω-🔥', true],
  ])('%s on %j → %s', (text, value, expected) => {
    expect(matchValue(must(text), value)).toBe(expected);
  });

  it('still rejects what RE2 rejects, and flags it cannot place', () => {
    expect(parseMatcher('a=~"(?i)x)|(y"').ok).toBe(false);
    expect(parseMatcher('a=~"x(?i)y"').ok).toBe(false);
  });

  // JavaScript reads these as other, valid regexes (`[[:alpha:]]` as a class of ":ahlp" then "]"), so a
  // route written for Alertmanager would compile and silently never match: refuse them with the reason.
  it.each(['job=~"[[:alpha:]]+"', 'job=~"[^[:space:]]+"', 'job=~"\\pL+"', 'job=~"\\PN"', 'job=~"\\Qa.b\\E"', 'job=~"\\Aapi\\z"', 'job=~"\\p{Greek}a{,2}"', 'job=~"\\x{41}a{,2}"'])(
    'refuses RE2 syntax JavaScript would misread: %s',
    (text) => {
      const result = parseMatcher(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/RE2/);
    },
  );

  it('accepts what only looks like that syntax: escaped, or a plain class', () => {
    expect(matchValue(must('job=~"\\\\\\\\pL"'), '\\pL')).toBe(true);
    expect(matchValue(must('job=~"\\[:x:\\]"'), '[:x:]')).toBe(true);
    expect(matchValue(must('job=~"[:a]+"'), 'a:a')).toBe(true);
  });
});

// RE2 runs any regex in time linear in the value; V8 backtracks. `(.+\.)*example\.com` (a route copied from
// alertmanager.yml) on a 60-part host name took longer than the age of the universe, on the event loop: intake,
// health checks and delivery all stopped. Run in a child process, so that hanging fails the test.
/**
 * Runs `program` (an ES module, tsx loaded) in a child process killed after `ms`: a match that backtracks for
 * hours must fail the test, not hang it. Its exit code (null when killed) and what it printed.
 */
async function runKilledAfter(program: string, ms: number): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(killer);
  return { code, stdout };
}

describe('regex: linear time where backtracking explodes, as on RE2', () => {
  it('answers at once for nested repetitions on long values', async () => {
    const lib = fileURLToPath(new URL('../../../src/routing/matchers.ts', import.meta.url));
    const host = `${Array.from({ length: 60 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('.')}`;
    const program = `
      const { parseMatcher, matchValue } = await import(${JSON.stringify(lib)});
      const run = (text, value) => { const r = parseMatcher(text); if (!r.ok) throw new Error(r.error); return matchValue(r.matcher, value); };
      console.log(JSON.stringify([
        run('instance=~"(.+\\\\.)*example\\\\.com(:\\\\d+)?"', ${JSON.stringify(`${host}.example.org`)}),
        run('instance=~"(.+\\\\.)*example\\\\.com(:\\\\d+)?"', ${JSON.stringify(`${host}.example.com:9100`)}),
        run('msg!~"(?i)(\\\\w+\\\\s?)+done"', ${JSON.stringify(`${'word '.repeat(40)}!`)}),
        run('x=~"(a|aa)*"', ${JSON.stringify(`${'a'.repeat(80)}b`)}),
      ]));`;
    const { code, stdout } = await runKilledAfter(program, 25_000);
    expect(code).toBe(0); // null: it never answered and was killed
    expect(JSON.parse(stdout)).toEqual([false, true, true, false]);
  }, 40_000);

  // Too large for the linear runner, such a pattern fell back to the backtracking RegExp: `{0,1000}`, which Go
  // accepts, froze the event loop on a 40-part host name as `*` did. And a sequence of unbounded repetitions
  // backtracks polynomially (`.*\..*\..*\.internal`: seconds on 2,000 dots, far longer on 10,000), on the RegExp too.
  it('refuses a varying repetition too large to run in linear time, instead of backtracking', () => {
    const result = parseMatcher('instance=~"(.+\\.){0,1000}example\\.com"');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/too large to run in linear time/);
    expect(parseMatcher('instance=~"(.+\\.){0,100}example\\.com"').ok).toBe(true);
    // Only polynomial however large (a long list between .*): it loads and runs as it did.
    const names = Array.from({ length: 500 }, (_, i) => `service${i}`).join('|');
    expect(matchValue(must(`job=~".*(${names}).*"`), 'the service499 job')).toBe(true);
  });

  it('answers at once for a sequence of unbounded repetitions on a long value', async () => {
    const lib = fileURLToPath(new URL('../../../src/routing/matchers.ts', import.meta.url));
    const program = `
      const { parseMatcher, matchValue } = await import(${JSON.stringify(lib)});
      const r = parseMatcher('instance=~".*\\\\..*\\\\..*\\\\.internal"');
      if (!r.ok) throw new Error(r.error);
      console.log(JSON.stringify([matchValue(r.matcher, '.'.repeat(10_000)), matchValue(r.matcher, 'a.b.c.internal')]));`;
    const { code, stdout } = await runKilledAfter(program, 25_000);
    expect(code).toBe(0); // null: it never answered and was killed
    expect(JSON.parse(stdout)).toEqual([false, true]);
  }, 40_000);

  // The linear runner must accept exactly what the RegExp does; short values, so the RegExp answers too.
  it.each([
    '(.+\\.)*example\\.com(:\\d+)?',
    '(a|aa)*',
    '(?i)(\\w+\\s?)+done',
    '((ab)*|c{2,3})+x?',
    '(?:[^,]+,)*[^,]+',
    '(\\bfoo\\b|bar\\B.)+',
    '(a*)*b',
    '(?s)(.|\\n)+',
    '(🔥|\\p{Lu}){1,3}',
    '(x|^y)+z$',
    '.*\\..*\\..*\\.internal',
    'a*a*b?',
  ])('agrees with the RegExp on %s', (pattern) => {
    const m = must(`v=~"${pattern.replace(/\\/g, '\\\\')}"`);
    const [, flags = '', body] = /^(?:\(\?([is]+)\))?(.*)$/s.exec(pattern)!;
    const reference = new RegExp(`^(?:${body})$`, `${flags}u`);
    const alphabet = fc.constantFrom('a', 'b', 'c', 'x', 'y', 'z', '.', ',', ':', '1', 'e', 'foo', 'bar', ' ', 'done', '\n', '🔥', 'Ω', 'example.com');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), (parts) => {
        const value = parts.join('');
        expect(matchValue(m, value), JSON.stringify(value)).toBe(reference.test(value));
      }),
    );
  });

  // A bounded repeat stops at its bound (`([a-z]+-){1,3}` takes three parts, not four), and a lazy quantifier
  // is a quantifier, not a literal `?`: values the random ones above seldom reach.
  it.each([
    ['(a|b){1,2}', ['a', 'ab', 'aba', 'abab', '']],
    ['([a-z]+-){1,3}prod', ['eu-prod', 'eu-west-1a-prod', 'eu-west-a-b-prod', 'prod']],
    ['(a|b)*?c', ['c', 'abac', 'ab?c', 'abab']],
    ['(a|bc)+?d{1,2}?', ['ad', 'bcadd', 'addd', 'a?d']],
  ])('agrees with the RegExp on %s at its edges', (pattern, values) => {
    const m = must(`v=~"${pattern}"`);
    const reference = new RegExp(`^(?:${pattern})$`, 'u');
    for (const value of values) expect(matchValue(m, value), value).toBe(reference.test(value));
  });
});

describe('matches', () => {
  const labels = { alertname: 'HighCPU', severity: 'critical', team: '' };

  it('needs every matcher to match; an empty list matches everything', () => {
    expect(matches(mustList('alertname="HighCPU", severity=~"crit.*"'), labels)).toBe(true);
    expect(matches(mustList('alertname="HighCPU", severity="warning"'), labels)).toBe(false);
    expect(matches([], labels)).toBe(true);
    expect(matches([], {})).toBe(true);
  });

  it('treats a missing label as the empty string', () => {
    expect(matches([must('env=""')], labels)).toBe(true);
    expect(matches([must('env!=""')], labels)).toBe(false);
    expect(matches([must('alertname!=""')], labels)).toBe(true);
    expect(matches([must('alertname=""')], labels)).toBe(false);
    expect(matches([must('env!="prod"')], labels)).toBe(true);
    expect(matches([must('env=~"prod|"')], labels)).toBe(true);
    expect(matches([must('env=~".+"')], labels)).toBe(false);
    expect(matches([must('env!~".+"')], labels)).toBe(true);
  });

  it('does not find inherited object properties as labels', () => {
    expect(matches([must('constructor=""')], {})).toBe(true);
    expect(matches([must('toString!=""')], {})).toBe(false);
  });

  it('gives the same answer on repeated use (no stateful regex)', () => {
    const m = must('job=~"api"');
    expect([1, 2, 3].map(() => matches([m], { job: 'api' }))).toEqual([true, true, true]);
  });
});

describe('parseMatchers', () => {
  it.each<[string | string[], { name: string; op: string; value: string }[]]>([
    ['{a="1", b=~"x|y"}', [{ name: 'a', op: '=', value: '1' }, { name: 'b', op: '=~', value: 'x|y' }]],
    ['a=1,b!=2', [{ name: 'a', op: '=', value: '1' }, { name: 'b', op: '!=', value: '2' }]],
    ['  { a = "1" , b="2" , }  ', [{ name: 'a', op: '=', value: '1' }, { name: 'b', op: '=', value: '2' }]],
    ['{quote="She said: \\"Hi, all\\"", x=y}', [{ name: 'quote', op: '=', value: 'She said: "Hi, all"' }, { name: 'x', op: '=', value: 'y' }]],
    ['code=~"5..", path=~"/a,/b"', [{ name: 'code', op: '=~', value: '5..' }, { name: 'path', op: '=~', value: '/a,/b' }]],
    ['severity="critical"', [{ name: 'severity', op: '=', value: 'critical' }]],
    ['', []],
    ['{}', []],
    [' { } ', []],
    [['a=1', '{b="2", c=~"3"}'], [{ name: 'a', op: '=', value: '1' }, { name: 'b', op: '=', value: '2' }, { name: 'c', op: '=~', value: '3' }]],
    [[], []],
  ])('%j', (input, expected) => {
    expect(mustList(input).map(shape)).toEqual(expected);
  });

  it.each([
    ['{a="1"', `invalid matchers '{a="1"': position 1: "{" is never closed`],
    ['{', 'invalid matchers "{": position 1: "{" is never closed'],
    ['a=1}', 'invalid matchers "a=1}": position 4: unexpected "}" without an opening "{"'],
    ['{a="1",,b=2}', `invalid matchers '{a="1",,b=2}': position 8: empty matcher between commas`],
    [',a=1', 'invalid matchers ",a=1": position 1: empty matcher between commas'],
    ['{a="1", b==2}', 'invalid matcher "b==2": position 11: unexpected "=" after operator "="'],
    ['a=1, b=~"("', `invalid matcher 'b=~"("': position 9: invalid regex "("`],
    ['a="x, b=2', `invalid matcher 'a="x, b=2': position 3: unterminated quoted value`],
  ])('%j is an error: %s', (input, message) => {
    const result = parseMatchers(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.slice(0, message.length)).toBe(message);
  });

  it('names the failing element of a list', () => {
    expect(parseMatchers(['a=1', 'b==2'])).toMatchObject({ ok: false, index: 1 });
  });
});

// Alertmanager 0.27+ takes UTF-8 label names in double quotes; OpenTelemetry's dotted attribute names
// (`service.name`) need them. Refused, a route copied from alertmanager.yml failed the config.
describe('quoted (UTF-8) label names', () => {
  it.each([
    ['"service.name"="checkout"', 'service.name', '=', 'checkout'],
    ['{"k8s.pod.name"=~"api-.*", env="prod"}', 'k8s.pod.name', '=~', 'api-.*'],
    [' "été" != "x" ', 'été', '!=', 'x'],
    ['"say \\"hi\\""="1"', 'say "hi"', '=', '1'],
  ])('%s', (text, name, op, value) => {
    expect(shape(mustList(text)[0]!)).toEqual({ name, op, value });
  });

  it('matches the dotted label, and refuses an empty or unterminated quoted name', () => {
    expect(matches(mustList('"service.name"="checkout"'), { 'service.name': 'checkout' })).toBe(true);
    expect(matches(mustList('"service.name"="checkout"'), { service_name: 'checkout' })).toBe(false);
    for (const bad of ['""="x"', '"service.name="x"']) expect(parseMatcher(bad).ok, bad).toBe(false);
  });

  it('formats a name that is not a Prometheus label name quoted, and round-trips it', () => {
    const m: Matcher = { name: 'service.name', op: '=', value: 'a' };
    expect(formatMatcher(m)).toBe('"service.name"="a"');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (name, value) => {
        const any: Matcher = { name, op: '!=', value };
        expect(shape(must(formatMatcher(any)))).toEqual(any);
      }),
    );
  });
});

describe('formatMatcher', () => {
  it.each([
    ['severity=critical', 'severity="critical"'],
    ['a != "x"', 'a!="x"'],
    ['a=~"x|y"', 'a=~"x|y"'],
    ['msg="say \\"hi\\"\\nbye \\\\"', 'msg="say \\"hi\\"\\nbye \\\\"'],
  ])('%s → %s', (text, formatted) => {
    expect(formatMatcher(must(text))).toBe(formatted);
  });

  it('round-trips through parseMatcher for any value', () => {
    const ops = fc.constantFrom('=' as const, '!=' as const);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/), ops, fc.string(), (name, op, value) => {
        const m: Matcher = { name, op, value };
        expect(shape(must(formatMatcher(m)))).toEqual(m);
      }),
    );
  });
});

/**
 * A linear-time runner for the regexes whose backtracking can explode. Alertmanager's regexes run on Go's
 * RE2, linear in the label value whatever the pattern; V8 backtracks, and a route copied from
 * alertmanager.yml such as `instance=~"(.+\\.)*example\\.com"` takes hours on a 40-part host name: the
 * event loop, and with it every ingest, health check and delivery, stops. A pattern that repeats a group
 * which itself varies (holds a repetition or an alternation), where backtracking goes exponential, or that
 * holds several varying repetitions (`.*\..*\..*\.internal`, polynomial: hours on 10,000 dots), is run
 * here instead: a Thompson NFA over code points (RE2's own method, without captures: only "does it match"
 * is asked). Its single-character atoms (`a`, `[^\n]`, `\p{Greek}`, `\d`) are tested by JavaScript's
 * RegExp with the pattern's flags, so classes, escapes and case folding mean exactly what they did.
 */

import { memoize } from '../lib/memo.js';

/** A compiled, fully anchored regex: only whether a whole value matches is ever asked. */
export interface AnchoredMatcher {
  test(value: string): boolean;
}

type Node =
  | { kind: 'atom'; test: (cp: string) => boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; node: Node; min: number; max: number }
  | { kind: 'assert'; at: string };

type Inst =
  | { op: 'char'; test: (cp: string) => boolean }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; to: number }
  | { op: 'assert'; at: string }
  | { op: 'match' };

/**
 * The NFA's size is its cost per character. A pattern repeating a varying group whose program is larger
 * (`(.+\.){0,1000}`) is refused at load: the backtracking engine would freeze on it as on `*`. A larger one
 * that is only polynomial (`.*(one|of|500|names).*`) stays with the RegExp, as it loaded before.
 */
export const MAX_PROGRAM = 5000;

/** What {@link linearRegex} decided: run linearly, leave to the RegExp (`undefined`), or refuse (`error`). */
export type LinearRegex = AnchoredMatcher | { error: string } | undefined;

/** Syntax this runner does not take (backreferences, lookaround: not RE2 either); the RegExp runs it. */
class Unsupported extends Error {}

/** A program past {@link MAX_PROGRAM}. */
class TooLarge extends Error {}

/**
 * A linear-time matcher for `pattern` (JavaScript's Unicode-mode syntax, already valid with `flags`),
 * anchored at both ends; undefined when the pattern cannot backtrack badly (the RegExp is faster) or uses
 * what this runner does not take; an error when it can backtrack exponentially and is too large to run here.
 */
export function linearRegex(pattern: string, flags: string): LinearRegex {
  const parser = new Parser(pattern, flags);
  try {
    const tree = parser.parse();
    if (!parser.risky) return undefined;
    const program: Inst[] = [];
    emit(tree, program);
    program.push({ op: 'match' });
    const isWord = charTest('\\w', flags);
    return { test: (value) => run(program, Array.from(value), isWord) };
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    if (err instanceof TooLarge && !parser.nested) return undefined;
    if (err instanceof TooLarge) return { error: `it repeats a varying group too often: too large to run in linear time (more than ${MAX_PROGRAM} steps a character); write * or + rather than a large {n,m}` };
    throw err;
  }
}

class Parser {
  private pos = 0;
  /** Repetitions whose length varies (`.*`, `a{2,5}`): two or more, and backtracking goes polynomial. */
  private varying = 0;
  /** Set once a repetition of a varying sub-pattern is seen: where backtracking can go exponential. */
  nested = false;

  get risky(): boolean {
    return this.nested || this.varying > 1;
  }

  constructor(
    private readonly src: string,
    private readonly flags: string,
  ) {}

  parse(): Node {
    const tree = this.alternation();
    if (this.pos !== this.src.length) throw new Unsupported();
    return tree;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.pos] === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') items.push(this.term());
    return { kind: 'seq', items };
  }

  private term(): Node {
    const c = this.src[this.pos]!;
    if (c === '^' || c === '$') {
      this.pos++;
      return { kind: 'assert', at: c };
    }
    if (c === '\\' && (this.src[this.pos + 1] === 'b' || this.src[this.pos + 1] === 'B')) {
      this.pos += 2;
      return { kind: 'assert', at: this.src[this.pos - 1]! };
    }
    return this.quantified(c === '(' ? this.group() : { kind: 'atom', test: charTest(this.atomText(), this.flags) });
  }

  private group(): Node {
    this.pos++;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (this.src.startsWith('?<', this.pos) && !'=!'.includes(this.src[this.pos + 2]!)) this.pos = this.src.indexOf('>', this.pos) + 1;
    else if (this.src[this.pos] === '?') throw new Unsupported(); // lookahead, lookbehind
    const inner = this.alternation();
    this.pos++; // ')'
    return inner;
  }

  /** The source of one atom that consumes one code point: a class, an escape, `.` or a literal. */
  private atomText(): string {
    const { src } = this;
    const start = this.pos;
    if (src[start] === '[') {
      let i = start + 1;
      while (src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      this.pos = i + 1;
    } else if (src[start] === '\\') {
      const e = src[start + 1]!;
      if (/[1-9k]/.test(e)) throw new Unsupported(); // a backreference
      if ('pPu'.includes(e) && src[start + 2] === '{') this.pos = src.indexOf('}', start) + 1;
      else if (e === 'u') {
        if (/^[dD][89abAB]/.test(src.slice(start + 2))) throw new Unsupported(); // half of a surrogate pair
        this.pos = start + 6;
      } else this.pos = start + (e === 'x' ? 4 : e === 'c' ? 3 : 2); // \xHH, \cX, or one character
    } else {
      this.pos = start + String.fromCodePoint(src.codePointAt(start)!).length;
    }
    return src.slice(start, this.pos);
  }

  private quantified(node: Node): Node {
    const rest = this.src.slice(this.pos);
    const found = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(rest);
    if (!found) return node;
    this.pos += found[0].length;
    const [, op, low, comma, high] = found;
    const min = op === '*' || op === '?' ? 0 : op === '+' ? 1 : Number(low);
    const max = op === '?' ? 1 : op ? Infinity : comma === undefined ? min : high === '' ? Infinity : Number(high);
    const repeat: Node = { kind: 'repeat', node, min, max };
    if (max > 1 && varies(node)) this.nested = true;
    if (varies(repeat)) this.varying++;
    return repeat;
  }
}

/** Whether a sub-pattern can match in more than one way per length: a repetition or an alternation inside. */
function varies(node: Node): boolean {
  if (node.kind === 'alt') return true;
  if (node.kind === 'repeat') return node.min !== node.max || varies(node.node);
  return node.kind === 'seq' && node.items.some(varies);
}

/** One code point against one atom, as JavaScript reads it with the pattern's flags. */
function charTest(atom: string, flags: string): (cp: string) => boolean {
  return charTestOf(`${flags}/${atom}`);
}

/** {@link charTest} by `flags/atom` (flags hold no slash), remembered for the atoms of the configured routes. */
const charTestOf = memoize((key: string): ((cp: string) => boolean) => {
  const slash = key.indexOf('/');
  const re = new RegExp(`^(?:${key.slice(slash + 1)})$`, key.slice(0, slash));
  return (cp) => re.test(cp);
});

/** Thompson's construction: `node` as instructions appended to `program`, falling through at the end. */
function emit(node: Node, program: Inst[]): void {
  if (program.length > MAX_PROGRAM) throw new TooLarge();
  switch (node.kind) {
    case 'atom':
      return void program.push({ op: 'char', test: node.test });
    case 'assert':
      return void program.push({ op: 'assert', at: node.at });
    case 'seq':
      for (const item of node.items) emit(item, program);
      return;
    case 'alt': {
      const jumps: { op: 'jmp'; to: number }[] = [];
      node.options.forEach((option, i) => {
        const last = i === node.options.length - 1;
        const split: Inst = { op: 'split', x: program.length + 1, y: -1 };
        if (!last) program.push(split);
        emit(option, program);
        if (last) return;
        const jump = { op: 'jmp' as const, to: -1 };
        jumps.push(jump);
        program.push(jump);
        split.y = program.length;
      });
      for (const jump of jumps) jump.to = program.length;
      return;
    }
    case 'repeat': {
      for (let i = 0; i < node.min; i++) emit(node.node, program);
      if (node.max === Infinity) {
        const loop = program.length;
        const split = { op: 'split' as const, x: loop + 1, y: -1 };
        program.push(split);
        emit(node.node, program);
        program.push({ op: 'jmp', to: loop });
        split.y = program.length;
        return;
      }
      const splits: { op: 'split'; x: number; y: number }[] = [];
      for (let i = node.min; i < node.max; i++) {
        const split = { op: 'split' as const, x: program.length + 1, y: -1 };
        splits.push(split);
        program.push(split);
        emit(node.node, program);
      }
      for (const split of splits) split.y = program.length;
    }
  }
}

/** Runs the NFA over the code points of a value, every thread in step: time linear in the value's length. */
function run(program: readonly Inst[], cps: readonly string[], isWord: (cp: string) => boolean): boolean {
  const seen = new Int32Array(program.length).fill(-1);
  let step = 0;
  let matched = false;
  const holds = (at: string, pos: number): boolean => {
    if (at === '^') return pos === 0;
    if (at === '$') return pos === cps.length;
    const boundary = (pos > 0 && isWord(cps[pos - 1]!)) !== (pos < cps.length && isWord(cps[pos]!));
    return at === 'b' ? boundary : !boundary;
  };
  /** The threads `pc` leads to at `pos`, following jumps, splits and assertions; each instruction once a step. */
  const add = (list: number[], start: number, pos: number): void => {
    const stack = [start];
    while (stack.length > 0) {
      const pc = stack.pop()!;
      if (seen[pc] === step) continue;
      seen[pc] = step;
      const inst = program[pc]!;
      if (inst.op === 'char') list.push(pc);
      else if (inst.op === 'jmp') stack.push(inst.to);
      else if (inst.op === 'split') stack.push(inst.y, inst.x);
      else if (inst.op === 'assert') {
        if (holds(inst.at, pos)) stack.push(pc + 1);
      } else if (pos === cps.length) matched = true;
    }
  };
  let threads: number[] = [];
  add(threads, 0, 0);
  for (let pos = 0; pos < cps.length && threads.length > 0; pos++) {
    step++;
    const next: number[] = [];
    for (const pc of threads) if ((program[pc] as { test: (cp: string) => boolean }).test(cps[pos]!)) add(next, pc + 1, pos + 1);
    threads = next;
  }
  return matched;
}

import type { Counter } from 'prom-client';

interface Cell<L extends string> {
  labels: Record<L, string>;
  pending: number;
}

/**
 * Increments of a counter on the ingest path, kept per label set as plain numbers and added to the counter
 * when it is read: its `collect`, which every scrape and `get()` runs first. prom-client's `inc` writes the
 * label object out as a string and looks that up as a property name on every call (~1 µs each in the bench
 * "ingest" profile; each request counted three). Label values are bounded as the counter's own are.
 */
export class DeferredCounts<L extends string> {
  /** By the first label's value, then the second's ('' for a one-label counter). */
  readonly #cells = new Map<string, Map<string, Cell<L>>>();

  constructor(private readonly names: readonly [L] | readonly [L, L]) {}

  /** Counts `by` (default 1) for the label values given in the order of `names`. */
  add(values: readonly [string] | readonly [string, string], by = 1): void {
    const [first, second = ''] = values;
    let inner = this.#cells.get(first);
    if (!inner) this.#cells.set(first, (inner = new Map()));
    let cell = inner.get(second);
    if (!cell) inner.set(second, (cell = { labels: this.#labels(values), pending: 0 }));
    cell.pending += by;
  }

  /** Adds what was counted since the last flush to `counter`. */
  flushInto(counter: Counter<L>): void {
    for (const inner of this.#cells.values()) {
      for (const cell of inner.values()) {
        if (cell.pending === 0) continue;
        counter.inc(cell.labels, cell.pending);
        cell.pending = 0;
      }
    }
  }

  #labels(values: readonly [string] | readonly [string, string]): Record<L, string> {
    const labels = {} as Record<L, string>;
    this.names.forEach((name, i) => (labels[name] = values[i]!));
    return labels;
  }
}

/** One entry of Discord's `_errors` lists. */
export interface FieldError {
  readonly code: string;
  readonly message: string;
}

/** A node of Discord's nested `errors` tree: keys are field names or array indexes. */
export interface ErrorNode {
  _errors?: FieldError[];
  [key: string]: ErrorNode | FieldError[] | undefined;
}

/** Path to a field: `['embeds', 0, 'fields', 3, 'value']`. */
export type FieldPath = readonly (string | number)[];

/**
 * Builds the nested `errors` object of a 50035 "Invalid Form Body", the shape Discord answers:
 * `{ embeds: { "0": { fields: { "3": { value: { _errors: [{ code, message }] } } } } } }`.
 */
export class ErrorTree {
  readonly root: ErrorNode = {};
  private count = 0;

  /** Adds an error at `path` (an empty path puts it on the root). */
  add(path: FieldPath, code: string, message: string): void {
    let node = this.root;
    for (const part of path) {
      const key = String(part);
      const next = node[key];
      if (next === undefined || Array.isArray(next)) {
        const created: ErrorNode = {};
        node[key] = created;
        node = created;
      } else {
        node = next;
      }
    }
    (node._errors ??= []).push({ code, message });
    this.count += 1;
  }

  /** Number of errors added. */
  get size(): number {
    return this.count;
  }
}

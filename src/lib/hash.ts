import { hash } from 'node:crypto';

/**
 * Short stable hash of text (hex), for fingerprints and dedupe keys. The one-shot `crypto.hash` (Node
 * ≥ 20.12) gives the same SHA-256 as `createHash` at a third of the cost per call (dedupe keys and label
 * fingerprints on every ingest request, bench "ingest").
 */
export function shortHash(text: string, length = 16): string {
  return hash('sha256', text, 'hex').slice(0, length);
}

/**
 * JSON with object keys sorted, so equal content hashes equally whatever the key order. `known`: the text
 * of some objects, written before (by this function) and used as is wherever the same object comes again: a
 * caller writing unchanged objects several times writes them once (the dedupe keys of an alert's variants
 * share its labels, which were written and sorted once per variant: 200,000 labels cost seconds).
 */
export function stableStringify(value: unknown, known?: ReadonlyMap<object, string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const text = known?.get(value);
  if (text !== undefined) return text;
  return Array.isArray(value) ? arrayText(value, known) : objectText(value as Record<string, unknown>, known);
}

function arrayText(value: unknown[], known: ReadonlyMap<object, string> | undefined): string {
  // Nothing to sort in arrays of primitives (nested or not): JSON.stringify writes them alike, at a third of
  // the cost (the dedupe key of every ingested group hashes one, bench "ingest").
  if (value.every(holdsNoObject)) return JSON.stringify(value);
  return `[${value.map((item) => stableStringify(item, known)).join(',')}]`;
}

function objectText(value: Record<string, unknown>, known: ReadonlyMap<object, string> | undefined): string {
  const entries = Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k], known)}`);
  return `{${entries.join(',')}}`;
}

/** A primitive, or an array of values that hold no object either: nothing whose keys need sorting. */
function holdsNoObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Array.isArray(value) && value.every(holdsNoObject);
}

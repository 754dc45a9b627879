import { isNotification } from '../../model/notification.js';
import type { QueuedItem } from '../types.js';

/**
 * Parsing of Redis stream replies (RESP2 shapes, see connection.ts). Replies arrive as `unknown` and are
 * checked here, so a surprise shape is a clear error instead of a crash deep in the worker.
 */

/** One stream entry: its id and its fields as a map. */
export interface StreamEntry {
  id: string;
  fields: Map<string, string>;
}

function fieldMap(raw: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (!Array.isArray(raw)) return fields;
  for (let i = 0; i + 1 < raw.length; i += 2) fields.set(String(raw[i]), String(raw[i + 1]));
  return fields;
}

/**
 * `[[id, [field, value, …]], …]` (XRANGE, XREVRANGE, one stream of XREADGROUP, XAUTOCLAIM's claimed list).
 * Entries deleted while pending come back as nil (Redis < 7) and are skipped.
 */
export function parseEntries(raw: unknown): StreamEntry[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`unexpected stream reply: ${typeof raw}`);
  const out: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) continue;
    out.push({ id: item[0], fields: fieldMap(item[1]) });
  }
  return out;
}

/** XREADGROUP on one stream: nil on timeout, else `[[key, entries]]`. */
export function parseReadGroup(raw: unknown): StreamEntry[] {
  if (raw === null || raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`unexpected XREADGROUP reply: ${typeof raw}`);
  const first: unknown = raw[0];
  return Array.isArray(first) ? parseEntries(first[1]) : [];
}

/** XAUTOCLAIM: `[nextCursor, entries, deletedIds?]` (the third element since Redis 7). */
export function parseAutoClaim(raw: unknown): { cursor: string; entries: StreamEntry[] } {
  if (!Array.isArray(raw) || typeof raw[0] !== 'string') throw new Error('unexpected XAUTOCLAIM reply');
  return { cursor: raw[0], entries: parseEntries(raw[1]) };
}

/** The millisecond part of a stream id (`1700000000000-0`), the time Redis added the entry. */
export function idTime(id: string): number {
  return Number(id.split('-', 1)[0]);
}

/** Orders stream ids as Redis does (`1700000000000-1` before `1700000000000-2` before `1700000000001-0`): queue order. */
export function compareIds(a: string, b: string): number {
  const [aTime = 0, aSeq = 0] = a.split('-').map(Number);
  const [bTime = 0, bSeq = 0] = b.split('-').map(Number);
  return aTime - bTime || aSeq - bSeq;
}

/** When a queue entry was enqueued: its `t` field, else the time in its id. */
export function enqueuedAt(entry: StreamEntry): number {
  const t = Number(entry.fields.get('t'));
  return Number.isFinite(t) && t > 0 ? t : idTime(entry.id);
}

/** A queue entry as a consumer sees it; undefined when its `n` field is missing or not a notification's JSON. */
export function toQueuedItem(entry: StreamEntry): QueuedItem | undefined {
  const json = entry.fields.get('n');
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (!isNotification(value)) return undefined;
    return { entryId: entry.id, notification: value, enqueuedAt: enqueuedAt(entry), bytes: Buffer.byteLength(json) };
  } catch {
    return undefined;
  }
}

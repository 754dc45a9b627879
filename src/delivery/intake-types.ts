import type { AlertGroup } from '../model/alert.js';

/** What intake answers for a batch of parsed groups. */
export type IntakeResult =
  /**
   * `warnings`: what the sender should fix although nothing was refused (an alert type that does not exist).
   * `queueKeys`: each queued notification's queue (webhook), at its index in `notifications`, for the
   * library's `send()` (not in the HTTP answer). An array, not an object keyed by id: a new UUID property
   * per request cost ~4 µs (string interning, dictionary object; bench "ingest").
   */
  | { ok: true; accepted: number; notifications: string[]; duplicates: number; skipped: number; muted: number; warnings?: string[]; queueKeys?: string[] }
  /**
   * `done`: the groups of the batch that were nevertheless settled (every notification queued, a duplicate or
   * muted) before the refusal; the sender's retry finds them as duplicates. Absent: none was.
   */
  | { ok: false; reason: 'queue_full' | 'unavailable' | 'shutting_down'; retryAfterSeconds: number; message: string; done?: AlertGroup[] };

/**
 * The request body `groups` were parsed from (`bytes` UTF-8 bytes of JSON `text`) and how to parse it
 * again into the same groups: a queue may keep it instead of a notification's JSON (store TextForm) when
 * that notification is the body's one group whole (intake.ts).
 */
export interface RequestText {
  text: string;
  bytes: number;
  reparse(text: string): AlertGroup[];
}

/** The seam between the HTTP edge and delivery: route, dedupe, enqueue; 2xx only once queued. */
export interface Intake {
  accept(groups: AlertGroup[], origin?: RequestText): Promise<IntakeResult>;
}

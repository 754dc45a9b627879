import type { AlertGroup } from '../model/alert.js';

/** What intake answers for a batch of parsed groups. */
export type IntakeResult =
  | { ok: true; accepted: number; notifications: string[]; duplicates: number; skipped: number }
  | { ok: false; reason: 'queue_full' | 'unavailable' | 'shutting_down'; retryAfterSeconds: number; message: string };

/** The seam between the HTTP edge and delivery: route, dedupe, enqueue; 2xx only once queued. */
export interface Intake {
  accept(groups: AlertGroup[]): Promise<IntakeResult>;
}

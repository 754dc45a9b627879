import { shortHash, stableStringify } from '../../lib/hash.js';
import type { AlertGroup } from '../../model/alert.js';
import type { Severity } from '../../model/severity.js';
import { capSummary, withRepeats } from './flood-summary.js';
import { serviceScope } from './service-identity.js';

/**
 * Flood control for OTLP logs, between parsing and intake: a crash loop logging the same error, or a
 * chatty service, must not become hundreds of Discord messages.
 *
 * 1. Folding. Records identical in (service, severity, body) within `windowMs` of the one that went out
 *    are counted, not sent. The next identical record after the window goes out carrying a field
 *    "Repeated: 37 more times in 1m after the previous notification". When none comes within one more
 *    window, `flush` sends the count on its own ("… (repeated 37 more times)"), so no count is lost.
 * 2. Per-service cap. At most `perServicePerMinute` notifications per service per
 *    minute (counted from the service's first record of that minute); the excess is counted and, when
 *    the minute closes, summarized in ONE notification: "N more log records from service X suppressed".
 *
 * A service is its identity, not its name alone (service-identity.ts): the staging deployment of a
 * service flooding must neither fold production's records into its own notifications nor use up
 * production's cap.
 *
 * Count-carrying and summary notifications get their own `dedupeKey`, or intake's OTLP dedupe (same
 * service, severity and body within 5 min) would swallow them. Pure apart from its state; the clock is
 * injected. The route calls `flush` on each request; the server may also call it on a timer.
 */
export interface OtlpFloodControl {
  /** The groups to send now; folded and capped ones are counted instead. */
  admit(groups: AlertGroup[]): AlertGroup[];
  /** Summaries that are due (closed minutes, counts nobody carried); forgets expired state. */
  flush(now?: number): AlertGroup[];
  /**
   * Gives back groups intake refused (503), so a retried request is not folded into a notification that never
   * went out; one that other requests' records were folded into meanwhile is kept for the next flush instead.
   */
  release(groups: AlertGroup[]): void;
  /**
   * Tells of groups intake queued although it refused their batch (another group's queue was full): they went
   * out, and stay counted as sent. The exporter retries the whole batch, so the request's folded and suppressed
   * counts are undone (the retry counts them again) and the retried copy of each such record is not counted as
   * a repeat.
   */
  delivered(groups: AlertGroup[]): void;
  /** After intake refused `groups`: `done` (those it queued anyway) are {@link delivered}, the rest {@link release}d. */
  refused(groups: AlertGroup[], done?: readonly AlertGroup[]): void;
}

export interface OtlpFloodOptions {
  /** Folding window (default 60 s). */
  windowMs?: number;
  /** Notifications per service per minute before suppression (default 30). */
  perServicePerMinute?: number;
  /** Clock in ms (default Date.now). */
  now?: () => number;
}

export const OTLP_FLOOD_DEFAULTS = { windowMs: 60_000, perServicePerMinute: 30 } as const;
const MINUTE_MS = 60_000;

/** One (service, severity, body) whose notification went out at `startedAt`. */
interface Fold {
  startedAt: number;
  repeats: number;
  group: AlertGroup;
  /** Retried copies of its notification still expected (it was queued in a refused batch): not repeats. */
  retries?: number;
}

/** One service's current minute. */
interface Bucket {
  /** The service's name, for its summary. */
  service: string;
  /** Its identity (service-identity.ts): what its bucket is kept under. */
  scope: string;
  startedAt: number;
  sent: number;
  suppressed: number;
  severities: Set<Severity>;
  /**
   * The labels every suppressed record of the minute had (same value), for its summary: intake routes the
   * summary by them, as it routed the records (a route on `team` or `deployment_environment`). Unset until one is.
   */
  labels?: Record<string, string>;
}

/**
 * What one `admit` counted instead of sending (folded repeats, suppressed records). A refused intake
 * (503) makes the exporter retry the whole batch, which counts them again: `release` undoes them once.
 */
interface Counted {
  folds: Fold[];
  suppressed: Bucket[];
  undone: boolean;
}

type Issued = { kind: 'record'; key: string; previous: Fold | undefined; bucket: Bucket; counted: Counted } | { kind: 'summary' };

/** Creates the flood control; see {@link OtlpFloodControl}. */
export function createOtlpFloodControl(opts: OtlpFloodOptions = {}): OtlpFloodControl {
  return new OtlpFlood(opts);
}

/** The state behind {@link createOtlpFloodControl}: folds by key, buckets by service, pending summaries. */
class OtlpFlood implements OtlpFloodControl {
  private readonly windowMs: number;
  private readonly cap: number;
  private readonly clock: () => number;
  private readonly folds = new Map<string, Fold>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly issued = new WeakMap<AlertGroup, Issued>();
  private pending: AlertGroup[] = [];

  constructor(opts: OtlpFloodOptions) {
    this.windowMs = opts.windowMs ?? OTLP_FLOOD_DEFAULTS.windowMs;
    this.cap = opts.perServicePerMinute ?? OTLP_FLOOD_DEFAULTS.perServicePerMinute;
    this.clock = opts.now ?? Date.now;
  }

  admit(groups: AlertGroup[]): AlertGroup[] {
    const t = this.clock();
    const counted: Counted = { folds: [], suppressed: [], undone: false };
    return groups.flatMap((g) => this.admitOne(g, t, counted) ?? []);
  }

  flush(now = this.clock()): AlertGroup[] {
    const out = this.pending;
    this.pending = [];
    for (const [scope, bucket] of this.buckets) {
      if (now - bucket.startedAt < MINUTE_MS) continue;
      if (bucket.suppressed > 0) out.push(this.summary(capSummary(bucket, this.cap, MINUTE_MS)));
      this.buckets.delete(scope);
    }
    for (const [key, fold] of this.folds) {
      const age = now - fold.startedAt;
      // A count waits one more window for the next identical record to carry it, then goes alone.
      if (age < this.windowMs || (fold.repeats > 0 && age < 2 * this.windowMs)) continue;
      if (fold.repeats > 0) out.push(this.summary(withRepeats(fold, this.windowMs)));
      this.folds.delete(key);
    }
    return out;
  }

  refused(groups: AlertGroup[], done: readonly AlertGroup[] = []): void {
    const queued = new Set(done);
    this.delivered(groups.filter((g) => queued.has(g)));
    this.release(groups.filter((g) => !queued.has(g)));
  }

  delivered(groups: AlertGroup[]): void {
    for (const group of groups) {
      const what = this.issued.get(group);
      this.issued.delete(group);
      if (what?.kind !== 'record') continue;
      undo(what.counted);
      const fold = this.folds.get(what.key);
      if (fold?.group === group) fold.retries = (fold.retries ?? 0) + 1;
    }
  }

  release(groups: AlertGroup[]): void {
    for (const group of groups) {
      const what = this.issued.get(group);
      if (what?.kind === 'summary') this.pending.push(group);
      if (what?.kind !== 'record') continue;
      this.issued.delete(group);
      undo(what.counted);
      const fold = this.folds.get(what.key);
      if (fold?.group === group && fold.repeats > 0) {
        // Other requests folded records into this notification meanwhile, and were answered 200: it goes out
        // anyway, on the next flush, standing for the first of them (the refused record's retry is then
        // counted like any repeat), so neither is lost nor counted twice.
        fold.repeats--;
        this.pending.push(this.summary(group));
        continue;
      }
      if (fold?.group === group) {
        if (what.previous) this.folds.set(what.key, what.previous);
        else this.folds.delete(what.key);
      }
      if (this.buckets.get(what.bucket.scope) === what.bucket) what.bucket.sent--;
    }
  }

  /** One group: folded (undefined), capped (undefined), or sent, carrying the count of a closed fold. */
  private admitOne(group: AlertGroup, t: number, counted: Counted): AlertGroup | undefined {
    const alert = group.alerts[0];
    if (!alert) return group;
    const scope = serviceScope(alert.labels);
    const key = shortHash(stableStringify([scope, alert.severity, alert.title, alert.message]), 32);
    const fold = this.folds.get(key);
    if (fold && t - fold.startedAt < this.windowMs) {
      if (fold.retries) {
        // The exporter's retry of a record that was queued although its batch was refused: already sent.
        fold.retries--;
        return undefined;
      }
      fold.repeats++;
      counted.folds.push(fold);
      return undefined;
    }
    const bucket = this.bucketAt(scope, alert.labels['service.name'] ?? '', t);
    if (bucket.sent >= this.cap) {
      bucket.suppressed++;
      bucket.severities.add(alert.severity);
      bucket.labels = commonLabels(bucket.labels, alert.labels);
      counted.suppressed.push(bucket);
      return undefined;
    }
    bucket.sent++;
    const out = fold && fold.repeats > 0 ? withRepeats(fold, this.windowMs, group) : group;
    this.folds.set(key, { startedAt: t, repeats: 0, group: out });
    this.issued.set(out, { kind: 'record', key, previous: fold, bucket, counted });
    return out;
  }

  /** The service's bucket for time `t`; a closed minute's suppressed count becomes a pending summary. */
  private bucketAt(scope: string, service: string, t: number): Bucket {
    const current = this.buckets.get(scope);
    if (current && t - current.startedAt < MINUTE_MS) return current;
    if (current && current.suppressed > 0) this.pending.push(this.summary(capSummary(current, this.cap, MINUTE_MS)));
    const fresh: Bucket = { service, scope, startedAt: t, sent: 0, suppressed: 0, severities: new Set() };
    this.buckets.set(scope, fresh);
    return fresh;
  }

  private summary(group: AlertGroup): AlertGroup {
    this.issued.set(group, { kind: 'summary' });
    return group;
  }
}

/** Undoes, once, what one refused `admit` counted instead of sending: the exporter's retry counts it again. */
function undo(counted: Counted): void {
  if (counted.undone) return;
  counted.undone = true;
  for (const fold of counted.folds) fold.repeats = Math.max(0, fold.repeats - 1);
  for (const bucket of counted.suppressed) bucket.suppressed = Math.max(0, bucket.suppressed - 1);
}

/** The labels of `common` that `labels` has too, with the same value; all of `labels` when there is no `common` yet. */
function commonLabels(common: Record<string, string> | undefined, labels: Readonly<Record<string, string>>): Record<string, string> {
  if (!common) return { ...labels };
  for (const key of Object.keys(common)) if (!Object.hasOwn(labels, key) || labels[key] !== common[key]) delete common[key];
  return common;
}

/**
 * The notifications OTLP flood control sends instead of what it counted (flood.ts): a folded record's
 * "Repeated" count, and a service's suppressed records of one minute.
 */
import { formatDuration } from '../../config/duration.js';
import { shortHash, stableStringify } from '../../lib/hash.js';
import type { Alert, AlertGroup } from '../../model/alert.js';
import { worstSeverity, type Severity } from '../../model/severity.js';
import { OTLP_TITLE_MAX_CODE_POINTS } from './values.js';

/** What a count-carrying notification needs of a fold. */
interface FoldCount {
  startedAt: number;
  repeats: number;
  group: AlertGroup;
}

/** What a suppression summary needs of a service's minute. */
interface SuppressedCount {
  service: string;
  /** The service's identity (service-identity.ts `serviceScope`): two deployments of one name are two summaries. */
  scope: string;
  startedAt: number;
  suppressed: number;
  severities: Set<Severity>;
  /** The labels all its records had: intake routes the summary by them, as it routed the records. */
  labels?: Readonly<Record<string, string>>;
}

/**
 * The fold's count as a "Repeated" field: on `next` (the first identical record after the window), or
 * on a copy of the fold's own notification when no next one came.
 */
export function withRepeats(fold: FoldCount, windowMs: number, next?: AlertGroup): AlertGroup {
  const base = next ?? fold.group;
  const alert = base.alerts[0]!;
  const n = fold.repeats;
  const value = `${n} more ${n === 1 ? 'time' : 'times'} in ${formatDuration(windowMs)} after the previous notification`;
  const fields = [...alert.fields.filter((f) => f.name !== 'Repeated'), { name: 'Repeated', value, inline: false }];
  const title = next ? alert.title : withCount(alert.title, ` (repeated ${n} more ${n === 1 ? 'time' : 'times'})`);
  return {
    ...base,
    alerts: [{ ...alert, title, fields }],
    dedupeKey: `otlp-repeat:${alert.fingerprint}:${fold.startedAt}:${next ? 'next' : 'flush'}`,
  };
}

/** ONE notification for a service's suppressed records of one minute (`minuteMs` long). */
export function capSummary(bucket: SuppressedCount, cap: number, minuteMs: number): AlertGroup {
  const { service, suppressed: n } = bucket;
  const from = new Date(bucket.startedAt).toISOString();
  const to = new Date(bucket.startedAt + minuteMs).toISOString();
  const name = service || 'an unnamed service';
  const alert: Alert = {
    source: 'otlp',
    status: 'firing',
    severity: worstSeverity(bucket.severities),
    title: cut(`${n} more log ${n === 1 ? 'record' : 'records'} from service ${name} suppressed`),
    message: `${n} log ${n === 1 ? 'record' : 'records'} from ${name} between ${from} and ${to} were not sent: over the limit of ${cap} notifications per service per minute (OTLP flood control).`,
    // Spread copies keep a `__proto__` label an own property, as the records' labels (values.ts) do.
    labels: { ...(service ? { 'service.name': service, service_name: service } : {}), ...bucket.labels },
    annotations: {},
    links: [],
    fields: [{ name: 'Suppressed', value: String(n), inline: true }],
    fingerprint: shortHash(stableStringify(['otlp-cap', bucket.scope])),
    startsAt: from,
  };
  return { source: 'otlp', alerts: [alert], truncatedAlerts: 0, dedupeKey: `otlp-cap:${service}:${shortHash(bucket.scope)}:${bucket.startedAt}` };
}

/**
 * Most code points of a count-carrying title. Appended to a title at the limit (a log line of 256+
 * characters), the count was cut off with its end, and the message read like a repeat of the first. Well
 * below the embed title's 256, so the status marker ("🔥 FIRING: ") and the Markdown escapes the renderer
 * adds leave the count whole.
 */
const COUNTED_TITLE_MAX = 200;

/** `title` + `count`, the title cut ("…") to leave the count its room within {@link COUNTED_TITLE_MAX}. */
function withCount(title: string, count: string): string {
  const room = COUNTED_TITLE_MAX - Array.from(count).length;
  const points = Array.from(title);
  return (points.length <= room ? title : `${points.slice(0, room - 1).join('')}…`) + count;
}

function cut(text: string): string {
  return Array.from(text).slice(0, OTLP_TITLE_MAX_CODE_POINTS).join('');
}

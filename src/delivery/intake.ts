import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { FailureStreak } from '../lib/failure-streak.js';
import type { Alert, AlertGroup } from '../model/alert.js';
import type { Notification } from '../model/notification.js';
import { counterpartDedupeKeys, dedupeKey, sharedParts } from '../routing/dedupe-key.js';
import { routeGroup, typesReached, type Routed } from '../routing/route-group.js';
import type { NotificationDecoder, NotificationQueue, TextForm } from '../store/types.js';
import type { Intake, IntakeResult, RequestText } from './intake-types.js';
import { counterpartsByQueue, dropClaimsElsewhere } from './counterpart-claims.js';
import { queueKeyFor } from './queue-key.js';

export interface IntakeDeps {
  config: () => Config;
  queue: NotificationQueue;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Told about each queued notification (metrics, waking the worker). */
  onQueued?: (n: Notification, queueKey: string) => void;
  onDuplicate?: (n: Notification) => void;
  /** Told of alerts a muted route kept back (mute.ts): their type, how many, and why. */
  onMuted?: (alertType: string, count: number, why: string) => void;
  /**
   * Sees every alert before routing; false keeps it from delivery (it was consumed: the watchdog's
   * heartbeat). The sender still gets its 2xx and the alert counts as accepted.
   */
  filter?: (alert: Alert) => boolean;
}

/** Seconds a sender should wait after a full queue: long enough for a worker to drain a few messages. */
export const QUEUE_FULL_RETRY_AFTER_S = 30;
/** Seconds to wait when the store cannot be reached. */
export const STORE_DOWN_RETRY_AFTER_S = 10;

/**
 * Routes each parsed group to its alert types, makes one Notification per (group, type), and enqueues it
 * with its dedupe key on the queue of the type's webhook. Answers ok only when every notification is
 * queued (or a known duplicate): 2xx means "in the queue".
 */
export function createIntake(deps: IntakeDeps): Intake {
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const refusing = fullQueueLog(deps.logger, now);
  // A store outage refuses every request alike (503, the sender retries): said when it starts, when its error
  // changes and when the store takes again, not once per request for the length of the outage.
  const storeDown = new FailureStreak(deps.logger, now, { fields: {}, failing: 'store unavailable: cannot enqueue; ingest answers 503 until it is back (logged again when the error changes)', recovered: 'store takes notifications again', level: 'error' });
  return {
    async accept(groups: AlertGroup[], origin?: RequestText): Promise<IntakeResult> {
      const config = deps.config();
      const queueKeys: string[] = [];
      const result: Extract<IntakeResult, { ok: true }> = { ok: true, accepted: 0, notifications: [], duplicates: 0, skipped: 0, muted: 0, queueKeys };
      const at = now();
      // Types whose webhook queue was full. Queues are per webhook: one full queue (a storm on monitoring)
      // must not keep a critical alert of the same POST out of its own queue, so every notification is
      // tried and the sender hears 503 at the end; its retry finds the queued ones as duplicates.
      let full: string[] | undefined;
      // On a refusal the sender's edge is told which groups went out whole (`done`), so flood control keeps
      // them (OTLP) instead of counting them as never sent: every group before the refusal but these.
      // Made on a first refusal only, like `full`: this runs for every ingest request (bench "ingest").
      let refusedGroups: Set<AlertGroup> | undefined;
      const done = (upTo: number) => groups.slice(0, upTo).filter((g) => !refusedGroups?.has(g));
      for (let index = 0; index < groups.length; index++) {
        const group = groups[index]!;
        result.skipped += group.skipped ?? 0;
        const unknown = unknownRequestedType(group, config);
        if (unknown && !result.warnings?.includes(unknown)) (result.warnings ??= []).push(unknown);
        const kept = deps.filter ? group.alerts.filter((a) => deps.filter!(a)) : group.alerts;
        const routed = kept.length === 0 ? undefined : routeGroup(kept.length === group.alerts.length ? group : { ...group, alerts: kept }, config.routes, at);
        // Muted: accepted (the sender is told how many in `muted`), counted, never queued nor claimed for dedupe,
        // so the same alert sent again once the window is over goes out.
        if (routed) result.muted += reportMuted(routed.muted, deps);
        for (const [alertType, alerts] of routed?.byType ?? []) {
          const known = sharedParts(group, alerts); // what the key and its counterparts hash alike, written once
          const n = toNotification(group, alertType, alerts, newId(), at, dedupeKey(group, alertType, alerts, known));
          const queueKey = queueKeyFor(config, alertType);
          // The other state's claims under the types it is routed to: a resolve may go elsewhere than its firing.
          const reached = (variant: Alert[]) => typesReached(group, variant, config.routes);
          const claims = counterpartDedupeKeys(group, reached, alerts, known);
          // None for Alertmanager and Grafana: no map of them by queue made for every request.
          const counterparts = claims.size > 0 ? counterpartsByQueue(config, claims) : undefined;
          let status;
          try {
            const replaces = counterparts?.get(queueKey);
            // Only for a body of one group (Alertmanager, Grafana, one script alert) going whole to this type, the
            // usual case: a part of it (each group of a generic array, alerts split between types or consumed by
            // the watchdog) would keep, count against a read's budget (one per batch) and parse again all of the
            // body, the array's size squared for a script's list. A part keeps its own JSON.
            const form = origin && groups.length === 1 && alerts.length === group.alerts.length ? textForm(origin, n) : undefined;
            const claim = replaces ? { key: n.dedupeKey, windowMs: config.dedupe.windowMs, replaces } : { key: n.dedupeKey, windowMs: config.dedupe.windowMs };
            status = await deps.queue.enqueue(queueKey, n, claim, form);
          } catch (err) {
            storeDown.failed(err);
            return { ok: false, reason: 'unavailable', retryAfterSeconds: STORE_DOWN_RETRY_AFTER_S, message: 'the store is unavailable; nothing was lost, retry later', done: done(index) };
          }
          storeDown.succeeded();
          if (status === 'full') {
            (refusedGroups ??= new Set()).add(group);
            if (!(full ??= []).includes(alertType)) full.push(alertType);
            refusing.full(queueKey, alertType);
          } else if (status === 'duplicate') {
            result.duplicates++;
            deps.onDuplicate?.(n);
          } else {
            refusing.took(queueKey);
            result.notifications.push(n.id);
            queueKeys.push(queueKey);
            deps.onQueued?.(n, queueKey);
            counterparts?.delete(queueKey);
            if (counterparts && counterparts.size > 0) await dropClaimsElsewhere(counterparts, deps);
          }
        }
        result.accepted += group.alerts.length;
      }
      if (full !== undefined) {
        const what = full.length === 1 ? `the queue for alert type "${full[0]}" is` : `the queues for alert types ${full.map((t) => `"${t}"`).join(', ')} are`;
        return { ok: false, reason: 'queue_full', retryAfterSeconds: QUEUE_FULL_RETRY_AFTER_S, message: `${what} full (DISCORD_QUEUE_SIZE); retry later`, done: done(groups.length) };
      }
      return result;
    },
  };
}

/**
 * A full queue in the log: its refusals (503 to every sender with alerts for it) are counted per request
 * (`alertcord_ingest_requests_total`), the log says when a queue starts refusing and when it takes again.
 */
function fullQueueLog(logger: Logger, now: () => number): { full(queueKey: string, alertType: string): void; took(queueKey: string): void } {
  const streaks = new Map<string, FailureStreak>(); // per webhook queue: bounded by the config
  return {
    full(queueKey, alertType) {
      let streak = streaks.get(queueKey);
      if (!streak) {
        streak = new FailureStreak(logger, now, { fields: { queue: queueKey }, failing: 'queue full (DISCORD_QUEUE_SIZE): ingest answers 503 for its alerts; Discord takes fewer than arrive, see /api/status', recovered: 'queue takes notifications again' });
        streaks.set(queueKey, streak);
      }
      streak.failed(`alert type "${alertType}"`, 'full');
    },
    took(queueKey) {
      streaks.get(queueKey)?.succeeded();
    },
  };
}

/** Tells of the alerts muted routes kept back (hook, debug log); how many they were. */
function reportMuted(muted: Routed['muted'], deps: Pick<IntakeDeps, 'onMuted' | 'logger'>): number {
  let count = 0;
  for (const [alertType, { alerts, why }] of muted) {
    count += alerts.length;
    deps.onMuted?.(alertType, alerts.length, why);
    if (deps.logger.isLevelEnabled('debug')) deps.logger.debug({ alertType, alerts: alerts.length, why }, 'muted: accepted, not sent');
  }
  return count;
}

/**
 * The warning for a group whose sender named an alert type that is not configured (`/webhook/generic/typo`,
 * `alert_type: "TYPO"`): routed by the rules as if unnamed (to general unless a rule matches), so nothing
 * is lost, but a 202 alone would hide the typo from the script that made it.
 */
function unknownRequestedType(group: AlertGroup, config: Config): string | undefined {
  const requested = group.requestedType;
  if (requested === undefined || config.alertTypes.has(requested)) return undefined;
  return `alert type "${requested}" is not configured (known: ${[...config.alertTypes.keys()].join(', ')}); routed by the rules instead`;
}

/**
 * `n` as the request text it came from, when `n` is that text's one group whole (see the caller): decoding
 * parses the text again (a pure function of it) and takes that group, with `n`'s own id, type, key and time.
 */
function textForm(origin: RequestText, n: Notification): TextForm {
  return { text: origin.text, bytes: origin.bytes, decoder: new RequestTextDecoder(origin.reparse, n) };
}

/**
 * What the memory queue keeps beside a request text, for each entry behind a backlog: scalars only, never
 * the parsed objects (those are what it spares keeping) nor the text (packed apart). One object, not a
 * closure and its context, since a storm queues a hundred thousand (bench "ingest": what each request leaves
 * for the collector to copy).
 */
class RequestTextDecoder implements NotificationDecoder {
  readonly #reparse: RequestText['reparse'];
  readonly #id: string;
  readonly #alertType: string;
  readonly #receivedAt: number;
  readonly #key: string;
  readonly #count: number;

  constructor(reparse: RequestText['reparse'], n: Notification) {
    this.#reparse = reparse; // not the RequestText, whose text would outlive the queue's packing
    this.#id = n.id;
    this.#alertType = n.alertType;
    this.#receivedAt = n.receivedAt;
    this.#key = n.dedupeKey;
    this.#count = n.alerts.length;
  }

  decode(text: string): Notification {
    const again = this.#reparse(text);
    if (again.length !== 1 || again[0]!.alerts.length !== this.#count) throw new Error(`request text no longer parses to one group of ${this.#count} alerts`);
    // Through JSON, as a notification read from its JSON: undefined fields dropped, nothing shared.
    return JSON.parse(JSON.stringify(toNotification(again[0]!, this.#alertType, again[0]!.alerts, this.#id, this.#receivedAt, this.#key))) as Notification;
  }
}

function toNotification(group: AlertGroup, alertType: string, alerts: Notification['alerts'], id: string, receivedAt: number, key: string): Notification {
  return {
    id,
    alertType,
    source: group.source,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    truncatedAlerts: group.truncatedAlerts,
    groupKey: group.groupKey,
    externalUrl: group.externalUrl,
    dedupeKey: key,
    receivedAt,
    attempts: 0,
    ...(group.mentions ? { mentions: group.mentions } : {}),
  };
}

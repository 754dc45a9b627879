import { shortHash, stableStringify } from '../lib/hash.js';
import { sortStrings } from '../lib/sort-strings.js';
import { STATE_NOTES, type Alert, type AlertGroup, type AlertStatus } from '../model/alert.js';
import { SEVERITIES } from '../model/severity.js';
import { recordIdentity } from '../sources/otlp/service-identity.js';

/**
 * The dedupe key of a notification (architecture.md "Dedupe"): an HA pair of Alertmanagers, or a sender
 * retrying, posts the same group again; the same key within the window is accepted but not sent twice.
 * - Alertmanager / Grafana: source + type + groupKey (Grafana's scoped by its org) + the sorted (fingerprint,
 *   status, startsAt) of its alerts and the count Alertmanager cut (`max_alerts`), so a changed group (an
 *   alert resolved, a new one firing, more alerts cut) is a new notification. Legacy Grafana
 *   (`dedupeByState`): the rule's state (status and note), see {@link stateIdentity}.
 * - generic: the sender's `dedupe_key` with each alert's status and severity (the same key resolves or
 *   escalates an incident, as with PagerDuty's), else a hash of the content.
 * - otlp: a hash of service (its identity, service-identity.ts: staging's record is no repeat of production's),
 *   severity, title (the record's `eventName` when it has one) and body.
 */
export function dedupeKey(group: AlertGroup, alertType: string, alerts: Alert[], known = sharedParts(group, alerts)): string {
  // Joined, not a template: one flat string instead of a chain of concatenations over the hash's slice, which
  // the memory queue's claim and the notification keep for the dedupe window (bench "ingest").
  return [group.source, alertType, identity(group, alerts, known)].join(':');
}

/**
 * The part of a dedupe key after source and type: what was sent, whichever type it went to. `known`: text
 * of the alerts' parts written before ({@link sharedParts}).
 */
function identity(group: AlertGroup, alerts: Alert[], known?: ReadonlyMap<object, string>): string {
  if (group.dedupeKey) return `k:${shortHash(stableStringify([group.dedupeKey, alerts.map((a) => [a.status, a.severity])]), 32)}`;
  if (group.source === 'otlp') return shortHash(stableStringify(recordIdentity(alerts[0])), 32);
  if (group.groupKey !== undefined) {
    if (group.dedupeByState) return stateIdentity(group.groupKey, alerts, group.truncatedAlerts);
    const members = sortStrings(alerts.map((a) => `${a.fingerprint}|${a.status}|${a.startsAt ?? ''}`));
    // Strings and a number: stableStringify's text is JSON.stringify's, written here without its look for
    // objects to sort (every Alertmanager and Grafana request, bench "ingest").
    return shortHash(JSON.stringify([group.groupKey, members, group.truncatedAlerts]), 32);
  }
  const content = alerts.map((a) => [a.status, a.severity, a.title, a.message, a.labels, a.fields, a.links, a.presentation]);
  return shortHash(stableStringify(content, known), 32);
}

/**
 * The identity of a group `dedupeByState`: legacy Grafana, which posts once per state
 * change of a rule (and its reminders). Its `alerting` names the series that match, its `ok` and `no_data`
 * none, so by series an `ok` could never name the claims of the firing it ends (counterpartDedupeKeys): a
 * rule firing again within the window was taken for a repeat, and the `ok` after a firing on another series
 * for a repeat of the first `ok`, leaving the channel showing it firing. The state is what is news.
 */
function stateIdentity(groupKey: string, alerts: Alert[], truncatedAlerts: number): string {
  const states = [...new Set(alerts.map((a) => `${a.status}|${a.stateNote ?? ''}`))].sort();
  return shortHash(stableStringify([groupKey, states, truncatedAlerts]), 32);
}

/** No counterpart claims: shared, never written (Alertmanager and Grafana, every ingest request). */
const NO_COUNTERPARTS: ReadonlyMap<string, string[]> = new Map();

/**
 * The dedupe keys of the same alerts in the other state (firing ↔ resolved), by alert type, whose claims a
 * notification replaces: without them, a state that comes back within the window (firing → resolved →
 * firing: a flapping script) would be taken for a repeat of the first. One key per severity, because a
 * script's key holds the severity (an escalation is news) and its resolve rarely repeats the one it fired
 * with (`send --status resolved` names none, so it is info), and an escalated incident holds claims at
 * several. Under each type `typesOf` routes that variant to, because the severity often picks the type: the
 * shipped routes send a critical firing to critical and its resolve without a severity to general, and the
 * page that comes back must go out. Only there: under every configured type, 60 teams' webhooks made each
 * script alert drop ~8 claims in each of 60 queues (a Redis command per queue). Every alert takes the same severity: exact for the one-alert groups scripts send. Legacy
 * Grafana's claims are its rule's states (stateIdentity): one key per note a firing may carry. A firing
 * also replaces the same firing at the other severities ({@link otherSeverities}). Empty
 * where that cannot happen: a keyed group whose alerts carry their start time (Alertmanager, Grafana: a new
 * firing has a new start, hence a new key), OTLP (records never resolve), or alerts that do not share one
 * status.
 */
export function counterpartDedupeKeys(group: AlertGroup, typesOf: (variant: Alert[]) => Iterable<string>, alerts: Alert[], known = sharedParts(group, alerts)): ReadonlyMap<string, string[]> {
  const status = alerts[0]?.status;
  if (!status || group.source === 'otlp' || alerts.some((a) => a.status !== status)) return NO_COUNTERPARTS;
  if (group.groupKey !== undefined && !group.dedupeKey && alerts.every((a) => a.startsAt !== undefined)) return NO_COUNTERPARTS;
  const other = status === 'firing' ? 'resolved' : 'firing';
  const variants = [...otherStates(group, alerts, other), ...otherSeverities(group, alerts, status)];
  const own = identity(group, alerts, known);
  const byType = new Map<string, Set<string>>();
  for (const variant of variants) {
    const id = identity(group, variant, known);
    if (id === own) continue;
    for (const type of typesOf(variant)) {
      const keys = byType.get(type) ?? new Set<string>();
      byType.set(type, keys.add(`${group.source}:${type}:${id}`));
    }
  }
  return new Map([...byType].map(([type, keys]) => [type, [...keys]]));
}

/**
 * The text of the parts of `alerts` their dedupe key hashes and that their variants share with them
 * (shallow copies): labels, fields, links and presentation, written once for the key and its counterparts
 * rather than once per variant. Undefined when the key does not hash the content (the group names its
 * alerts: a key, a groupKey, an OTLP record).
 */
export function sharedParts(group: AlertGroup, alerts: readonly Alert[]): ReadonlyMap<object, string> | undefined {
  if (group.dedupeKey || group.source === 'otlp' || group.groupKey !== undefined) return undefined;
  const known = new Map<object, string>();
  for (const a of alerts) {
    for (const part of [a.labels, a.fields, a.links, a.presentation]) if (part && !known.has(part)) known.set(part, stableStringify(part));
  }
  return known;
}

/**
 * A firing at every other severity: a step back down (warning → critical → warning within the window, a
 * disk filling then draining) is news like the escalation was, so an escalation drops the claims of the
 * severities it left. Not for legacy Grafana (its identity holds no severity) nor for resolves (a resolve
 * is not news again at another severity).
 */
function otherSeverities(group: AlertGroup, alerts: Alert[], status: AlertStatus): Alert[][] {
  if (status !== 'firing' || group.dedupeByState) return [];
  return SEVERITIES.map((severity) => alerts.map((a) => ({ ...a, severity })));
}

/**
 * The alerts as they may have been sent in the `other` status: at every severity, or for a group
 * `dedupeByState` (legacy Grafana: its identity is its state, not its severity) with each note a firing takes.
 */
function otherStates(group: AlertGroup, alerts: Alert[], other: AlertStatus): Alert[][] {
  if (group.dedupeByState && !group.dedupeKey) {
    const notes = other === 'firing' ? [undefined, ...STATE_NOTES] : [undefined];
    return notes.map((stateNote) => alerts.map((a) => ({ ...a, status: other, stateNote })));
  }
  return SEVERITIES.map((severity) => alerts.map((a) => ({ ...a, status: other, severity })));
}

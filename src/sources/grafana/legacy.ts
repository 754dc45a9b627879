import type { Alert, AlertGroup, AlertStatus } from '../../model/alert.js';
import { shortHash } from '../../lib/hash.js';
import { severityFromLabels } from '../../routing/severity.js';
import { parseWith, rejected } from '../issues.js';
import { addLink, httpUrl, nonBlank } from '../normalize.js';
import type { ParseResult } from '../types.js';
import { grafanaLegacySchema, type GrafanaLegacyWire } from './schema.js';
import { grafanaDelivery } from './state.js';

/** Title when a legacy rule has neither a name nor a title. */
const UNNAMED_RULE = 'Grafana alert';

/**
 * Legacy "Test notification" from the Test button: this rule name, and ruleId 0 (Grafana ≤ 6) or a random
 * int63 with this message (Grafana 7–10, `createTestEvalContext`: `ID: rand.Int63()`); the message's case
 * changed over releases ("within grafana." / "within Grafana.").
 */
const LEGACY_TEST_RULE = {
  ruleId: '0',
  ruleName: 'Test notification',
  message: /^Someone is testing the alert notification within grafana\.$/i,
} as const;

/**
 * Labels the alerts of one legacy body may hold in all. The rule's `tags` are copied into every match's
 * labels, so a wide `tags` over many `evalMatches` multiplied: 2,000 tags × 40 matches (1.8 MB) held the
 * event loop 14 s, 1,000 matches ran out of memory. This is what a body at the default limit (8 MiB) could
 * carry written out as the shortest labels (`"k":"v",`, 8 bytes): a legacy body costs no more than any
 * other could. A real rule is far below (a few tags, one match per series).
 */
export const MAX_LEGACY_LABELS = (8 * 1024 * 1024) / 8;

type Match = { metric?: string | undefined; value?: string | undefined; tags: Record<string, string> };

/**
 * Parses a legacy Grafana (≤ 10) body: one alert per evalMatch (one alert when there are none), its
 * metric as a label and its value as a field, the rule's and the match's tags as labels; groupKey `legacy:` and
 * the rule's key ({@link legacyRuleKey}).
 * pending and paused are not delivered: the alerts they would have made are counted in `skipped`.
 */
export function parseGrafanaLegacy(body: unknown): ParseResult {
  const parsed = parseWith(grafanaLegacySchema, body);
  if (!parsed.ok) return rejected(parsed.issues);
  const payload = parsed.data;
  const ruleKey = legacyRuleKey(payload);
  const matches: Match[] = payload.evalMatches?.length ? payload.evalMatches : [{ tags: {} }];
  // One post per state change of the rule, its `ok` naming no series: the state is what dedupe compares.
  const group: AlertGroup = { source: 'grafana', alerts: [], truncatedAlerts: 0, groupKey: `legacy:${ruleKey}`, dedupeByState: true };
  const delivery = grafanaDelivery(payload.state);
  if (!delivery.deliver) {
    group.skipped = matches.length;
    return { ok: true, groups: [group] };
  }
  const labels = labelCount(payload, matches);
  if (labels > MAX_LEGACY_LABELS) {
    return rejected([{ path: 'evalMatches', message: `the rule's tags copied into each of ${matches.length} matches make ${labels} labels, more than ${MAX_LEGACY_LABELS}: send fewer tags or matches` }]);
  }
  group.alerts = matches.map((match) => {
    const alert = legacyAlert(payload, match, ruleKey, delivery.status);
    if (delivery.stateNote) alert.stateNote = delivery.stateNote;
    return alert;
  });
  return { ok: true, groups: [group] };
}

/** The labels the alerts of `matches` would hold in all, at most (the rule's tags, each match's, metric and alertname). */
function labelCount(payload: GrafanaLegacyWire, matches: readonly Match[]): number {
  const ruleTags = Object.keys(payload.tags).length;
  let count = 0;
  for (const match of matches) count += ruleTags + Object.keys(match.tags).length + 2;
  return count;
}

/**
 * The rule across every Grafana that posts here. `ruleId` is the row id in one Grafana's database, so each
 * instance has a rule 7: by the id alone, staging's rule 7 alerting was taken for a repeat of prod's (and its
 * `ok` for a repeat of prod's resolve), and never sent. Scoped by the instance (the origin of `ruleUrl`, its
 * root_url) and by the rule's name, since many instances keep the default root_url `http://localhost:3000`.
 * An HA copy or a reminder of the same rule has all three alike; not the title, which names the state.
 */
function legacyRuleKey(payload: GrafanaLegacyWire): string {
  const ruleUrl = httpUrl(payload.ruleUrl);
  const origin = ruleUrl ? (URL.parse(ruleUrl)?.origin ?? '') : '';
  return JSON.stringify([origin, nonBlank(payload.ruleId) ?? '', nonBlank(payload.ruleName) ?? '']);
}

/** One legacy alert: the rule's fields with one match's metric (a label), value and tags. */
function legacyAlert(payload: GrafanaLegacyWire, match: Match, ruleKey: string, status: AlertStatus): Alert {
  const ruleName = nonBlank(payload.ruleName);
  const metric = nonBlank(match.metric);
  const value = nonBlank(match.value);
  const labels: Record<string, string> = { ...payload.tags, ...match.tags };
  if (ruleName && !Object.hasOwn(labels, 'alertname')) labels['alertname'] = ruleName;
  if (metric) labels['metric'] = metric;
  const alert: Alert = {
    source: 'grafana',
    status,
    severity: severityFromLabels(labels, 'warning'),
    title: ruleName ?? nonBlank(payload.title) ?? UNNAMED_RULE,
    message: payload.message ?? '',
    labels,
    annotations: {},
    links: addLink([], 'Rule', payload.ruleUrl),
    fields: [],
    fingerprint: shortHash(`${ruleKey}:${metric ?? ''}`),
  };
  // The metric is shown as its label (which routes and compact views see too), not a second time as a field.
  if (value) alert.fields.push({ name: 'Value', value, inline: true });
  const imageUrl = httpUrl(payload.imageUrl);
  if (imageUrl) alert.presentation = { imageUrl };
  if (isLegacyTest(payload)) alert.isTest = true;
  return alert;
}

/** The Test button's payload: its rule name with ruleId 0 or its fixed message (a real rule may share the name). */
function isLegacyTest(payload: GrafanaLegacyWire): boolean {
  if (nonBlank(payload.ruleName) !== LEGACY_TEST_RULE.ruleName) return false;
  return payload.ruleId === LEGACY_TEST_RULE.ruleId || LEGACY_TEST_RULE.message.test(nonBlank(payload.message) ?? '');
}

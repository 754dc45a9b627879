import { createHash } from 'node:crypto';

/** One alert as Alertmanager's webhook carries it. */
export interface WebhookAlert {
  status: 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** One Alertmanager group: what one webhook notification carries. */
export interface AlertGroup {
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

interface AlertKind {
  alertname: string;
  severity: string;
  job: string;
  summary: (instance: string) => string;
  description: string;
}

/** Ten alert kinds seen in real fleets (names and annotations in the style of kube-prometheus rules). */
const KINDS: readonly AlertKind[] = [
  { alertname: 'HighCPUUsage', severity: 'warning', job: 'node-exporter', summary: (i) => `CPU usage on ${i} above 90% for 10m`, description: 'Sustained CPU saturation; check the top processes and recent deploys.' },
  { alertname: 'DiskAlmostFull', severity: 'warning', job: 'node-exporter', summary: (i) => `Filesystem /var on ${i} is 93% full`, description: 'The filesystem will fill within 24h at the current write rate.' },
  { alertname: 'MemoryPressure', severity: 'warning', job: 'node-exporter', summary: (i) => `Memory available on ${i} below 5%`, description: 'The kernel is reclaiming aggressively; OOM kills are likely.' },
  { alertname: 'PostgresReplicationLag', severity: 'critical', job: 'postgres-exporter', summary: (i) => `Replica ${i} is 45s behind the primary`, description: 'Reads from this replica are stale; failover would lose data.' },
  { alertname: 'HTTPErrorRateHigh', severity: 'critical', job: 'api-gateway', summary: (i) => `5xx ratio on ${i} is 7.2% over 5m`, description: 'Users see errors; check the upstream services and the last rollout.' },
  { alertname: 'KubePodCrashLooping', severity: 'warning', job: 'kube-state-metrics', summary: (i) => `Pod on ${i} restarted 6 times in 15m`, description: 'The container keeps exiting; look at its logs and its probes.' },
  { alertname: 'CertificateExpiringSoon', severity: 'info', job: 'blackbox', summary: (i) => `TLS certificate of ${i} expires in 6 days`, description: 'Renewal did not happen; check cert-manager and the ACME account.' },
  { alertname: 'TargetDown', severity: 'critical', job: 'prometheus', summary: (i) => `Target ${i} has been unreachable for 5m`, description: 'Scrapes fail; the host may be down or the network partitioned.' },
  { alertname: 'QueueBacklogGrowing', severity: 'warning', job: 'rabbitmq-exporter', summary: (i) => `Queue on ${i} has 120k messages waiting`, description: 'Consumers cannot keep up; scale them or find the slow one.' },
  { alertname: 'LatencyP99High', severity: 'error', job: 'api-gateway', summary: (i) => `p99 latency on ${i} is 2.4s (SLO 500ms)`, description: 'The latency SLO burns fast; check the database and the caches.' },
];

const CLUSTERS = ['prod-eu-1', 'prod-eu-2', 'prod-us-1', 'prod-us-2', 'prod-ap-1', 'staging-eu', 'staging-us', 'edge-fra', 'edge-iad', 'batch-1'];
const STARTS_AT = '2026-11-28T17:34:58.653Z';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The unique, searchable token of alert `a` in group `g`: also the host part of its `instance` label. */
export function alertToken(g: number, a: number): string {
  return `node-${String(g).padStart(3, '0')}-${String(a).padStart(2, '0')}`;
}

/** Finds every alert token in a text (stored Discord message JSON). */
export const TOKEN_PATTERN = /node-\d{3}-\d{2}/g;

function fingerprint(labels: Record<string, string>): string {
  const canonical = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function makeAlert(kind: AlertKind, cluster: string, token: string): WebhookAlert {
  const instance = `${token}:9100`;
  const labels = { alertname: kind.alertname, cluster, instance, job: kind.job, namespace: 'platform', severity: kind.severity };
  return {
    status: 'firing',
    labels,
    annotations: {
      summary: kind.summary(token),
      description: kind.description,
      runbook_url: `https://runbooks.example.com/${kind.alertname.toLowerCase()}`,
    },
    startsAt: STARTS_AT,
    endsAt: ZERO_TIME,
    generatorURL: `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(kind.alertname)}`,
    fingerprint: fingerprint(labels),
  };
}

/** `count` groups of `size` alerts: group g is (alertname, cluster) = (KINDS[g % 10], CLUSTERS[g / 10]). */
export function stormGroups(count = 100, size = 10): AlertGroup[] {
  return Array.from({ length: count }, (_, g) => {
    const kind = KINDS[g % KINDS.length]!;
    const cluster = CLUSTERS[Math.floor(g / KINDS.length) % CLUSTERS.length]!;
    const alerts = Array.from({ length: size }, (_, a) => makeAlert(kind, cluster, alertToken(g, a)));
    return { groupLabels: { alertname: kind.alertname, cluster }, alerts };
  });
}

/** The body Alertmanager 0.25 POSTs to a webhook receiver for one group (version 4). */
export function alertmanagerBody(group: AlertGroup): Record<string, unknown> {
  const common = commonLabels(group.alerts);
  const keyParts = Object.entries(group.groupLabels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  return {
    receiver: 'alertcord',
    status: 'firing',
    alerts: group.alerts,
    groupLabels: group.groupLabels,
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: `{}:{${keyParts}}`,
    truncatedAlerts: 0,
  };
}

function commonLabels(alerts: readonly WebhookAlert[]): Record<string, string> {
  const [first, ...rest] = alerts;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => rest.every((a) => a.labels[k] === v)));
}

/** The same alerts as `POST /api/v2/alerts` takes them (for a real Alertmanager). */
export function postableAlerts(groups: readonly AlertGroup[]): { labels: Record<string, string>; annotations: Record<string, string>; generatorURL: string }[] {
  return groups.flatMap((g) => g.alerts.map((a) => ({ labels: a.labels, annotations: a.annotations, generatorURL: a.generatorURL })));
}

const PLACEHOLDER = 'BENCHSEQ';

/**
 * A generator of distinct Alertmanager bodies of `size` alerts each: body n differs from every other in
 * groupKey, fingerprints and instances, so dedupe never shortcuts. Built once as text split around a
 * placeholder, so making a body costs one join (the same for alertcord and the baseline).
 */
export function uniqueBodies(size: number): (n: number) => string {
  const kind = KINDS[0]!;
  const alerts = Array.from({ length: size }, (_, a) => {
    const alert = makeAlert(kind, 'prod-eu-1', `node-${PLACEHOLDER}-${a}`);
    return { ...alert, fingerprint: `${PLACEHOLDER}${a}`.padEnd(16, '0') };
  });
  const body = alertmanagerBody({ groupLabels: { alertname: kind.alertname, instance_set: PLACEHOLDER }, alerts });
  const parts = JSON.stringify(body).split(PLACEHOLDER);
  return (n) => parts.join(n.toString(16));
}

/** Alertmanager payloads for storm tests: one alert type flooded while another must still go out. */

/** One Alertmanager alert of group `group`; its summary names `host-<group>-<i>`. */
export function amAlert(group: number, i: number, severity: string) {
  return {
    status: 'firing',
    labels: { alertname: 'DiskAlmostFull', group: `g${group}`, instance: `host-${group}-${i}`, severity },
    annotations: { summary: `disk ${severity} on host-${group}-${i}` },
    startsAt: '2026-11-28T03:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prom.example/graph',
    fingerprint: `${group.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
  };
}

/** One Alertmanager group (webhook payload version 4). */
export function amGroup(group: number, alerts: unknown[]) {
  return {
    version: '4',
    groupKey: `{}:{group="g${group}"}`,
    status: 'firing',
    receiver: 'alertcord',
    truncatedAlerts: 0,
    groupLabels: { group: `g${group}` },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://am.example',
    alerts,
  };
}

/** The storm: warnings only (routed to monitoring), `groups` groups of `size`. */
export function warningStorm(groups: number, size: number): unknown[] {
  return Array.from({ length: groups }, (_, g) => amGroup(g, Array.from({ length: size }, (_, i) => amAlert(g, i, 'warning'))));
}

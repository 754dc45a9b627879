import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import type { Alert, AlertGroup } from '../../../src/model/alert.js';
import { routeGroup } from '../../../src/routing/route-group.js';

/** Routes whose mute window always holds: two muted routes to monitoring (the first continues), general otherwise. */
const routes = loadConfigOrThrow({
  env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' },
  yaml: `
time_intervals:
  - name: always
    time_intervals:
      - times: [{ start_time: "00:00", end_time: "24:00" }]
routes:
  - match: ['severity="warning"']
    type: monitoring
    continue: true
    mute_time_intervals: [always]
  - match: ['source="alertmanager"']
    type: monitoring
    mute_time_intervals: [always]
`,
}).config.routes;

function alert(i: number, severity: Alert['severity']): Alert {
  return { source: 'alertmanager', status: 'firing', severity, title: `t${i}`, message: '', labels: { alertname: 'X', i: String(i) }, annotations: {}, links: [], fields: [], fingerprint: String(i) };
}

describe('routeGroup with muted routes', () => {
  it('keeps each muted alert back once, in order, though two muted routes matched it', () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => alert(i, i % 2 === 0 ? 'warning' : 'critical'));
    const group: AlertGroup = { source: 'alertmanager', alerts, truncatedAlerts: 0 };
    const routed = routeGroup(group, routes, Date.now());
    expect(routed.byType.size).toBe(0);
    expect([...routed.muted.keys()]).toEqual(['monitoring']);
    expect(routed.muted.get('monitoring')!.alerts).toEqual(alerts);
  });
});

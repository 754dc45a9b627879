import { describe, expect, it } from 'vitest';
import type { AlertGroup } from '../../../src/model/alert.js';
import { compileRoutes, routeAlert } from '../../../src/routing/rules.js';
import { createOtlpFloodControl } from '../../../src/sources/otlp/flood.js';

/**
 * A service's suppressed records are summarized in one notification, which intake routes like any other.
 * Routes pick OTLP records by their resource attributes (team, deployment.environment …): the summary
 * must carry the labels its records had in common, or it goes where none of them would have gone (a dev
 * service's flood summary paging the production error channel, a team's suppressed errors in general).
 */

const T0 = Date.parse('2024-05-01T12:00:00Z');

function record(body: string, extra: Record<string, string>): AlertGroup {
  const labels = { 'service.name': 'checkout', service_name: 'checkout', team: 'payments', 'deployment.environment': 'dev', deployment_environment: 'dev', ...extra };
  return {
    source: 'otlp',
    truncatedAlerts: 0,
    alerts: [{ source: 'otlp', status: 'firing', severity: 'error', title: body, message: body, labels, annotations: {}, links: [], fields: [], fingerprint: body }],
  };
}

describe('OTLP flood control: the suppression summary keeps the labels its records share', () => {
  it('carries the common resource attributes, not those that differ between the suppressed records', () => {
    let t = T0;
    const flood = createOtlpFloodControl({ perServicePerMinute: 1, now: () => t });
    expect(flood.admit([record('first', { 'k8s.pod.name': 'checkout-1' })])).toHaveLength(1);
    expect(flood.admit([record('second', { 'k8s.pod.name': 'checkout-1' }), record('third', { 'k8s.pod.name': 'checkout-2' })])).toEqual([]);
    t = T0 + 60_000;
    const [summary] = flood.flush();
    const labels = summary?.alerts[0]?.labels;
    expect(labels).toMatchObject({ 'service.name': 'checkout', service_name: 'checkout', team: 'payments', 'deployment.environment': 'dev', deployment_environment: 'dev' });
    expect(labels).not.toHaveProperty('k8s.pod.name');
  });

  it('is routed where the records it stands for were routed', () => {
    const compiled = compileRoutes([{ match: ['source="otlp"', 'deployment_environment="dev"'], type: 'general' }, { match: ['severity="error"'], type: 'error' }], new Set(['general', 'error']));
    if (!compiled.ok) throw new Error('routes');
    let t = T0;
    const flood = createOtlpFloodControl({ perServicePerMinute: 1, now: () => t });
    const [sent] = flood.admit([record('first', {}), record('second', {})]);
    expect(routeAlert(sent!.alerts[0]!, sent!, compiled.routes)).toEqual(['general']);
    t = T0 + 60_000;
    const [summary] = flood.flush();
    expect(routeAlert(summary!.alerts[0]!, summary!, compiled.routes)).toEqual(['general']);
  });
});

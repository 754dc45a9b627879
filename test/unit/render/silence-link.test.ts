import { describe, expect, it } from 'vitest';
import { renderNotification } from '../../../src/render/notification.js';
import { expectSafeMessage, makeAlert, makeNotification, makeOptions } from './helpers.js';

/** The new-silence URLs a rendered notification links. */
function silenceUrls(n: ReturnType<typeof makeNotification>): string[] {
  const messages = renderNotification(n, makeOptions());
  for (const m of messages) expectSafeMessage(m);
  return [...JSON.stringify(messages).matchAll(/\[Silence\]\((https:[^)\s]+)\)/g)].map((m) => m[1]!);
}

describe("an Alertmanager alert's Silence link", () => {
  const labels = { alertname: 'DiskFull', path: 'C:\\data "x"', instance: 'web-1' };

  // Alertmanager's own templates link a silence (`__alert_silence_link`); the one on call silences from Discord.
  it("opens Alertmanager's new-silence page with the firing alert's labels as matchers", () => {
    const [url] = silenceUrls(makeNotification([makeAlert({ labels })], { externalUrl: 'https://am.example.com/' }));
    expect(url?.startsWith('https://am.example.com/#/silences/new?filter=')).toBe(true);
    const filter = decodeURIComponent(url!.split('filter=')[1]!);
    expect(filter).toBe('{alertname="DiskFull",instance="web-1",path="C:\\\\data \\"x\\""}');
  });

  // The UI reads each value as a JSON string (Utils/Filter.elm: Decode.string), which refuses a raw tab or
  // carriage return: the whole filter then fails and the silence form opens empty.
  it('escapes every control character in a value as JSON does, so the UI can read the filter back', () => {
    const odd = { alertname: 'LogLine', line: 'a\tb\r\nc\u0001' };
    const [url] = silenceUrls(makeNotification([makeAlert({ labels: odd })], { externalUrl: 'https://am.example.com' }));
    const filter = decodeURIComponent(url!.split('filter=')[1]!);
    expect(filter).toBe('{alertname="LogLine",line="a\\tb\\r\\nc\\u0001"}');
    const value = /line=("(?:[^"\\]|\\.)*")/.exec(filter)![1]!;
    expect(JSON.parse(value)).toBe(odd.line);
  });

  it('none for a resolved alert, another source, no externalURL, or labels no URL can carry', () => {
    expect(silenceUrls(makeNotification([makeAlert({ labels, status: 'resolved' })], { externalUrl: 'https://am.example.com' }))).toEqual([]);
    expect(silenceUrls(makeNotification([makeAlert({ labels, source: 'grafana' })], { source: 'grafana', externalUrl: 'https://grafana.example.com' }))).toEqual([]);
    expect(silenceUrls(makeNotification([makeAlert({ labels })]))).toEqual([]);
    expect(silenceUrls(makeNotification([makeAlert({ labels: { ...labels, instance: 'web-\uD800' } })], { externalUrl: 'https://am.example.com' }))).toEqual([]);
    expect(silenceUrls(makeNotification([makeAlert({ labels: { ...labels, 'zone\uDC00': 'eu' } })], { externalUrl: 'https://am.example.com' }))).toEqual([]);
  });

  // kube-prometheus: the generator link carries the PromQL, the Silence link every label; together with the
  // runbook they pass one field value (1024), and the Silence link, last, was replaced by "+1 more".
  it('stays clickable when the links before it fill one field value', () => {
    const k8s = {
      alertname: 'NodeFilesystemSpaceFillingUp', cluster: 'prod-eu-west-1', container: 'node-exporter', device: '/dev/nvme0n1p1',
      endpoint: 'http-metrics', fstype: 'ext4', instance: '10.0.12.34:9100', job: 'node-exporter', mountpoint: '/var/lib/kubelet',
      namespace: 'monitoring', pod: 'kube-prometheus-stack-prometheus-node-exporter-x2k4q', service: 'kube-prometheus-stack-prometheus-node-exporter', severity: 'warning',
    };
    const expr = '(node_filesystem_avail_bytes{job="node-exporter",fstype!="",mountpoint!=""} / node_filesystem_size_bytes{job="node-exporter",fstype!="",mountpoint!=""} * 100 < 15 and predict_linear(node_filesystem_avail_bytes{job="node-exporter",fstype!="",mountpoint!=""}[6h], 4*60*60) < 0)';
    const links = [
      { title: 'Source', url: `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1` },
      { title: 'Runbook', url: 'https://runbooks.prometheus-operator.dev/runbooks/node/nodefilesystemspacefillingup' },
    ];
    const n = makeNotification([makeAlert({ labels: k8s, links })], { externalUrl: 'https://alertmanager.example.com' });
    const [url] = silenceUrls(n);
    expect(url).toBeDefined();
    expect(decodeURIComponent(url!.split('filter=')[1]!)).toContain('mountpoint="/var/lib/kubelet"');
  });
});

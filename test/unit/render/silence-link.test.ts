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
});

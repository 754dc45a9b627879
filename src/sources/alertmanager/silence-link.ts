/**
 * The Alertmanager UI's "new silence" page, filled with one alert's labels as matchers: what its own
 * notification templates link as "Silence" (`__alert_silence_link`), so the one on call can silence from
 * Discord in a click. `externalUrl` is Alertmanager's `externalURL` (already checked to be http(s)).
 * Label values are quoted as its matcher syntax reads them (`\` and `"` escaped, newlines as `\n`).
 * Undefined when the labels cannot be put in a URL.
 */
export function silenceLink(externalUrl: string, labels: Record<string, string>): string | undefined {
  const matchers = Object.keys(labels)
    .sort()
    .map((name) => `${name}="${labels[name]!.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`);
  try {
    return `${externalUrl.replace(/\/+$/, '')}/#/silences/new?filter=${encodeURIComponent(`{${matchers.join(',')}}`)}`;
  } catch {
    return undefined; // a label with a lone surrogate (URIError): no filter could match it, so no link
  }
}

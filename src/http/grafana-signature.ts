import { createHmac } from 'node:crypto';
import type { GrafanaHmacSettings } from '../config/ingest-auth.js';
import { safeEqual } from './admin-auth.js';
import type { HttpFailure } from './errors.js';
import type { BodyVerifier } from './read-json.js';

/** The challenge of a 401 for a bad or missing signature (RFC 7235 needs one on every 401). */
export const SIGNATURE_CHALLENGE = 'HMAC-SHA256 realm="alertcord grafana"';

/**
 * Grafana's HMAC signing of webhook bodies (grafana/alerting `http/hmac.go`, `HMACRoundTripper.sign`):
 * hex HMAC-SHA256 with the secret as key over the raw body, or over `timestamp + ":" + body` when a
 * timestamp header is configured, in which Grafana puts Unix seconds. We refuse (401) a missing or
 * wrong signature, and a timestamp that is missing, not an integer, or more than `maxSkewMs` from our
 * clock either way (a replayed request). The expected signature never appears in an answer or a log.
 */
export function grafanaSignatureVerifier(settings: () => GrafanaHmacSettings | undefined, now: () => number = Date.now): BodyVerifier {
  return (raw, header) => {
    const hmac = settings();
    if (!hmac) return undefined;
    const presented = firstHeader(hmac.headers, header);
    if (presented === undefined) return refuse(`missing signature header ${hmac.headers[0] ?? ''} (Grafana contact point: HMAC signature)`);
    const mac = createHmac('sha256', hmac.secret.reveal());
    if (hmac.timestampHeader) {
      const timestamp = header(hmac.timestampHeader)?.trim() ?? '';
      if (!/^\d{1,15}$/.test(timestamp)) return refuse(`missing or invalid timestamp header ${hmac.timestampHeader} (Unix seconds)`);
      if (Math.abs(now() - Number(timestamp) * 1000) > hmac.maxSkewMs) {
        return refuse(`signed timestamp is more than ${Math.round(hmac.maxSkewMs / 60_000)} minutes from the server's clock (replayed, or a clock is off)`);
      }
      mac.update(`${timestamp}:`);
    }
    mac.update(raw);
    const expected = mac.digest('hex');
    return safeEqual(presented.trim().toLowerCase(), expected) ? undefined : refuse('signature does not match the body');
  };
}

function firstHeader(names: readonly string[], header: (name: string) => string | undefined): string | undefined {
  for (const name of names) {
    const value = header(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

function refuse(message: string): HttpFailure {
  return { status: 401, code: 'unauthorized', message: `Grafana HMAC: ${message}`, headers: { 'WWW-Authenticate': SIGNATURE_CHALLENGE } };
}

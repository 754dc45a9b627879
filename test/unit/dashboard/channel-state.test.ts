import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard's browser modules are plain JavaScript without types
import { channelState } from '../../../src/dashboard/render-status.js';

const now = Date.now();
const hook = (over: Record<string, unknown> = {}) => ({
  webhookId: '100000000000000002',
  breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null },
  pause: null,
  broken: null,
  queue: { depth: 0, oldestAgeSeconds: 0, limit: 10_000 },
  lastError: null,
  ...over,
});
const type = { name: 'error', webhookId: '100000000000000002' };

describe('dashboard channel state', () => {
  // Discord answering 502 to every attempt: until the breaker opens (5 failures in a row by default, backoff
  // between them) the channel read "● ok" while every notification for it sat in retries.
  it('a channel whose last attempts failed is not "ok" before the breaker opens', () => {
    const failing = hook({ breaker: { state: 'closed', consecutiveFailures: 3, openedAt: null }, lastError: { reason: 'server_error', detail: 'HTTP 502', at: new Date(now).toISOString() } });
    expect(channelState(type, failing, {})).toMatchObject({ kind: 'warn', label: 'failing', detail: expect.stringMatching(/^3 failures in a row/) });
    expect(channelState(type, hook(), {})).toEqual({ kind: 'ok', label: 'ok' });
  });

  it('a full queue is the worst after a broken webhook, and says why it does not drain', () => {
    const full = hook({ queue: { depth: 10_000, oldestAgeSeconds: 600, limit: 10_000 }, pause: { until: new Date(now + 60_000).toISOString(), reason: 'rate_limited' } });
    expect(channelState(type, full, {})).toMatchObject({ kind: 'bad', label: 'queue full', detail: expect.stringMatching(/new alerts refused \(503\); paused by 429: rate limited/) });
    expect(channelState(type, { ...full, broken: { reason: 'unknown_webhook', since: new Date(now).toISOString() } }, {})).toMatchObject({ label: 'broken' });
    // An older bridge without `limit`: no guess.
    expect(channelState(type, hook({ queue: { depth: 10_000, oldestAgeSeconds: 0 } }), {})).toEqual({ kind: 'ok', label: 'ok' });
  });
});

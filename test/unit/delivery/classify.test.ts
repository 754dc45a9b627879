import { describe, expect, it } from 'vitest';
import { classify, parseRateLimitHeaders, redactUrls } from '../../../src/delivery/classify.js';
import type { Classification } from '../../../src/delivery/classify.js';
import { MAX_RETRY_AFTER_MS } from '../../../src/delivery/classify-throttle.js';
import { MAX_DETAIL_CHARS } from '../../../src/delivery/detail-text.js';

const TOKEN = 'sEcReT-t0ken_ABCdef123';
const HOOK_URL = `https://discord.com/api/v10/webhooks/1234567890/${TOKEN}?wait=true`;
/** Headers Discord's API sends on every response (discord docs topics/rate-limits). */
const RL_HEADERS = {
  'x-ratelimit-limit': '5',
  'x-ratelimit-remaining': '0',
  'x-ratelimit-reset': '1700000001.5',
  'x-ratelimit-reset-after': '1.5',
  'x-ratelimit-bucket': 'abc123',
};

/** Expected kind per status, written from the rules (docs/discord.md, architecture "Delivery semantics"). */
function expectedKind(status: number): Classification['kind'] {
  if (status < 200) return 'retryable'; // 1xx is never a final answer
  if (status < 300) return 'success';
  if (status < 400) return 'permanent'; // redirects are not followed (SSRF)
  if (status === 429) return 'throttle';
  if (status === 408) return 'retryable';
  if (status === 401 || status === 403 || status === 404) return 'broken';
  if (status < 500) return 'permanent';
  return 'retryable';
}

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => 100 + i);

describe('classify: every status 100–599', () => {
  it.each(ALL_STATUSES)('HTTP %i', (status) => {
    const result = classify({ status, headers: RL_HEADERS, body: { message: 'x', code: 0 } });
    expect(result.kind).toBe(expectedKind(status));
    expect(result.status).toBe(status);
    expect(result.rateLimit).toEqual(parseRateLimitHeaders(RL_HEADERS));
  });

  it('never lets a URL or token into any result, for any status', () => {
    for (const status of ALL_STATUSES) {
      const result = classify({
        status,
        headers: { ...RL_HEADERS, location: HOOK_URL },
        body: { message: `failed for ${HOOK_URL}`, code: 50035, url: HOOK_URL },
      });
      const text = JSON.stringify(result);
      expect(text, `HTTP ${status}`).not.toContain(TOKEN);
      expect(text, `HTTP ${status}`).not.toMatch(/https?:\/\//);
    }
  });
});

describe('classify: specific statuses', () => {
  it.each([
    [100, 'retryable', 'unexpected'],
    [101, 'retryable', 'unexpected'],
    [103, 'retryable', 'unexpected'],
    [301, 'permanent', 'unexpected'],
    [302, 'permanent', 'unexpected'],
    [304, 'permanent', 'unexpected'],
    [307, 'permanent', 'unexpected'],
    [308, 'permanent', 'unexpected'],
    [400, 'permanent', 'invalid_body'],
    [405, 'permanent', 'invalid_body'],
    [410, 'permanent', 'invalid_body'],
    [413, 'permanent', 'invalid_body'],
    [422, 'permanent', 'invalid_body'],
    [401, 'broken', 'broken_webhook'],
    [403, 'broken', 'broken_webhook'],
    [404, 'broken', 'broken_webhook'],
    [408, 'retryable', 'timeout'],
    [500, 'retryable', 'server_error'],
    [502, 'retryable', 'server_error'],
    [503, 'retryable', 'server_error'],
    [504, 'retryable', 'server_error'],
    [599, 'retryable', 'server_error'],
  ] as const)('HTTP %i → %s / %s', (status, kind, reason) => {
    const result = classify({ status, headers: RL_HEADERS });
    expect(result.kind).toBe(kind);
    expect('reason' in result ? result.reason : undefined).toBe(reason);
  });

  it.each([0, 99, 600, 999, -1, 200.5, Number.NaN])('impossible status %s → retryable unexpected', (status) => {
    expect(classify({ status })).toMatchObject({ kind: 'retryable', reason: 'unexpected' });
  });

  it('neither status nor error → retryable unexpected', () => {
    expect(classify({})).toMatchObject({ kind: 'retryable', reason: 'unexpected' });
  });

  it('a status decides even when reading the body failed afterwards', () => {
    const error = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' });
    expect(classify({ status: 200, error }).kind).toBe('success');
    expect(classify({ status: 400, error }).kind).toBe('permanent');
  });

  it('a 5xx carries its Retry-After', () => {
    expect(classify({ status: 503, headers: { 'Retry-After': '5' } })).toMatchObject({
      kind: 'retryable',
      reason: 'server_error',
      retryAfterMs: 5000,
    });
    expect(classify({ status: 502, body: '<html>Bad gateway</html>' })).not.toHaveProperty('retryAfterMs');
  });

  it("caps a 5xx's Retry-After like a 429's: an absurd one must not park the webhook for weeks", () => {
    expect(classify({ status: 503, headers: { 'Retry-After': '99999999' } })).toMatchObject({ retryAfterMs: MAX_RETRY_AFTER_MS });
    expect(classify({ status: 503, headers: { 'Retry-After': String(MAX_RETRY_AFTER_MS / 1000 - 1) } })).toMatchObject({ retryAfterMs: MAX_RETRY_AFTER_MS - 1000 });
  });
});

describe('classify: success', () => {
  it('takes the message and channel ids from ?wait=true and the rate-limit headers', () => {
    const result = classify({ status: 200, headers: RL_HEADERS, body: { id: '1122334455', channel_id: '9' } });
    expect(result).toEqual({
      kind: 'success',
      status: 200,
      messageId: '1122334455',
      channelId: '9',
      rateLimit: { limit: 5, remaining: 0, resetAfterMs: 1500, resetAt: 1_700_000_001_500, bucket: 'abc123' },
    });
  });

  it('reads JSON text bodies; 204 has no id', () => {
    expect(classify({ status: 200, body: '{"id":"77"}' })).toMatchObject({ kind: 'success', messageId: '77' });
    expect(classify({ status: 204 })).not.toHaveProperty('messageId');
    expect(classify({ status: 200, body: { id: 77 } })).not.toHaveProperty('messageId');
  });
});

describe('classify: Discord error bodies', () => {
  it('400 50035 Invalid Form Body → permanent with code and the error tree as detail', () => {
    const body = {
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { '0': { description: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } } },
    };
    const result = classify({ status: 400, headers: RL_HEADERS, body });
    expect(result).toMatchObject({ kind: 'permanent', reason: 'invalid_body', discordCode: 50035 });
    expect(result.kind === 'permanent' && result.detail).toContain('BASE_TYPE_MAX_LENGTH');
    expect(result.kind === 'permanent' && result.detail).toMatch(/^HTTP 400: /);
  });

  it('400 50006 empty message; 413 plain text', () => {
    expect(classify({ status: 400, body: { code: 50006, message: 'Cannot send an empty message' } })).toMatchObject({
      kind: 'permanent',
      discordCode: 50006,
    });
    const big = classify({ status: 413, body: 'request entity too large' });
    expect(big).toMatchObject({ kind: 'permanent', detail: 'HTTP 413: request entity too large' });
    expect(big).not.toHaveProperty('discordCode');
  });

  it.each([
    [404, 10015, 'Unknown Webhook'],
    [401, 50027, 'Invalid Webhook Token'],
    [400, 10015, 'Unknown Webhook'],
    [400, 50027, 'Invalid Webhook Token'],
  ])('HTTP %i code %i → broken', (status, code, message) => {
    expect(classify({ status, body: { code, message } })).toMatchObject({
      kind: 'broken',
      reason: 'broken_webhook',
      discordCode: code,
    });
  });

  it('HTTP 404 code 10003 (Unknown Channel: the ?thread_id= thread is gone) → permanent, the webhook is not broken', () => {
    // A webhook whose own channel is deleted is deleted with it (10015): on execute, 10003 names the thread.
    expect(classify({ status: 404, body: { code: 10003, message: 'Unknown Channel' } })).toMatchObject({
      kind: 'permanent',
      reason: 'invalid_body',
      discordCode: 10003,
    });
  });

  it('truncates huge bodies to MAX_DETAIL_CHARS code points', () => {
    const result = classify({ status: 400, body: '😀'.repeat(5_000) });
    const detail = result.kind === 'permanent' ? result.detail : '';
    expect([...detail].length).toBe(MAX_DETAIL_CHARS);
    expect(detail.endsWith('…')).toBe(true);
    expect(detail).not.toContain('\uFFFD');
  });
});

describe('parseRateLimitHeaders', () => {
  it('parses every header, any case, first of repeated values', () => {
    expect(
      parseRateLimitHeaders({
        'X-RateLimit-Limit': ['5', '6'],
        'X-RATELIMIT-REMAINING': '4',
        'x-ratelimit-reset-after': '0.251',
        'X-RateLimit-Reset': '1470173023.123',
        'X-RateLimit-Bucket': 'abcd1234',
      }),
    ).toEqual({ limit: 5, remaining: 4, resetAfterMs: 251, resetAt: 1_470_173_023_123, bucket: 'abcd1234' });
  });

  it('is empty without headers and ignores garbage', () => {
    expect(parseRateLimitHeaders(undefined)).toEqual({});
    expect(parseRateLimitHeaders({ 'content-type': 'application/json' })).toEqual({});
    expect(
      parseRateLimitHeaders({ 'x-ratelimit-remaining': '', 'x-ratelimit-limit': 'lots', 'x-ratelimit-reset-after': '-1' }),
    ).toEqual({});
  });
});

describe('redactUrls', () => {
  it.each([
    [`POST ${HOOK_URL} failed`, 'POST [url redacted] failed'],
    [`"http://discordapp.com/api/webhooks/1/${TOKEN}"`, '"[url redacted]"'],
    [`at https%3A%2F%2Fdiscord.com%2Fapi%2Fwebhooks%2F1%2F${TOKEN} end`, 'at [url redacted] end'],
    [`path /api/v10/webhooks/123/${TOKEN}?wait=true`, 'path /api/v10/webhooks/[redacted]?wait=true'],
    ['connect ECONNREFUSED 127.0.0.1:443', 'connect ECONNREFUSED 127.0.0.1:443'],
    // A 404 page or proxy echoing the request path encoded (the token leaked into dead letters and /api/status).
    [`<p>Cannot POST %2Fapi%2Fv10%2Fwebhooks%2F123%2F${TOKEN}%3Fwait%3Dtrue</p>`, '<p>Cannot POST %2Fapi%2Fv10%2Fwebhooks%2F[redacted]%3Fwait%3Dtrue</p>'],
    [`next=%252Fapi%252Fwebhooks%252F123%252F${TOKEN}`, 'next=%252Fapi%252Fwebhooks%252F[redacted]'],
    [`{"path":"\\/api\\/v10\\/webhooks\\/123\\/${TOKEN}"}`, '{"path":"\\/api\\/v10\\/webhooks\\/[redacted]"}'],
    [`Cannot GET &#x2F;api&#x2F;webhooks&#x2F;123&#x2F;${TOKEN}`, 'Cannot GET &#x2F;api&#x2F;webhooks&#x2F;[redacted]'],
    // Decimal entities too; the token ends where the next escaped slash begins, and what follows it stays.
    [`Cannot GET &#47;api&#47;webhooks&#47;123&#47;${TOKEN}&#47;slack`, 'Cannot GET &#47;api&#47;webhooks&#47;[redacted]&#47;slack'],
    [`{"path":"\\/api\\/webhooks\\/123\\/${TOKEN}\\/github"}`, '{"path":"\\/api\\/webhooks\\/[redacted]\\/github"}'],
  ])('%s', (input, expected) => {
    expect(redactUrls(input)).toBe(expected);
    expect(redactUrls(input)).not.toContain(TOKEN);
  });
});

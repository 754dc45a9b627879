import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/delivery/classify.js';
import type { ClassifyInput, Throttle } from '../../../src/delivery/classify.js';
import {
  CLOUDFLARE_BAN_MIN_MS,
  DEFAULT_RETRY_AFTER_MS,
  MAX_RETRY_AFTER_MS,
} from '../../../src/delivery/classify-throttle.js';

/** A Discord-API 429 on the webhook's own bucket (remaining 0). */
const BUCKET = { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-bucket': 'b1' };

function throttle(input: Omit<ClassifyInput, 'status'>): Throttle {
  const result = classify({ status: 429, ...input });
  if (result.kind !== 'throttle') throw new Error(`expected throttle, got ${result.kind}`);
  return result;
}

describe('429: how long', () => {
  it.each([
    ['header larger', '2', { retry_after: 1.5 }, 2000],
    ['body larger', '1', { retry_after: 2.5 }, 2500],
    ['body only, fractional seconds', undefined, { retry_after: 0.351 }, 351],
    ['header only', '3', { message: 'You are being rate limited.' }, 3000],
    ['body as numeric string', '1', { retry_after: '4.2' }, 4200],
    ['JSON text body', undefined, '{"retry_after": 3, "global": false}', 3000],
  ])('%s', (_name, header, body, expected) => {
    const headers = header === undefined ? BUCKET : { ...BUCKET, 'retry-after': header };
    expect(throttle({ headers, body }).retryAfterMs).toBe(expected);
  });

  describe('old-API milliseconds heuristic', () => {
    it('integer > 1000 that the header confirms is read as ms (6457 ms vs Retry-After 7 s)', () => {
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '7' }, body: { retry_after: 6457 } }).retryAfterMs).toBe(7000);
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '6' }, body: { retry_after: 6457 } }).retryAfterMs).toBe(6457);
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '2' }, body: { retry_after: 1500 } }).retryAfterMs).toBe(2000);
    });

    it('stays seconds without a confirming header (the longer wait is the safe error), capped', () => {
      expect(throttle({ headers: BUCKET, body: { retry_after: 6457 } }).retryAfterMs).toBe(MAX_RETRY_AFTER_MS);
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '2' }, body: { retry_after: 5000 } }).retryAfterMs).toBe(
        MAX_RETRY_AFTER_MS,
      );
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '2' }, body: { retry_after: 1500.5 } }).retryAfterMs).toBe(
        1_500_500,
      );
    });

    it('values up to 1000 are always seconds', () => {
      expect(throttle({ headers: { ...BUCKET, 'retry-after': '1' }, body: { retry_after: 1000 } }).retryAfterMs).toBe(
        1_000_000,
      );
    });
  });

  it('falls back to Reset-After, then to the 1 s default; ignores garbage', () => {
    expect(throttle({ headers: { ...BUCKET, 'x-ratelimit-reset-after': '0.75' } }).retryAfterMs).toBe(750);
    expect(throttle({ headers: BUCKET }).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(throttle({ headers: { ...BUCKET, 'retry-after': 'soon' }, body: { retry_after: -3 } }).retryAfterMs).toBe(
      DEFAULT_RETRY_AFTER_MS,
    );
    expect(throttle({ headers: BUCKET, body: { retry_after: null } }).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS);
  });

  it('reads an HTTP-date Retry-After when `now` is given', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    const headers = { ...BUCKET, 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' };
    expect(throttle({ headers, now }).retryAfterMs).toBe(30_000);
    expect(throttle({ headers }).retryAfterMs).toBe(DEFAULT_RETRY_AFTER_MS);
  });

  it('matches header names in any case and takes the first of repeated values', () => {
    const headers = { 'X-RateLimit-Remaining': '0', 'Retry-After': ['9', '1'] };
    expect(throttle({ headers })).toMatchObject({ retryAfterMs: 9000, scope: 'webhook' });
  });
});

describe('429: which scope', () => {
  it('own bucket exhausted → webhook / throttled', () => {
    expect(throttle({ headers: { ...BUCKET, 'x-ratelimit-scope': 'user' } })).toMatchObject({
      scope: 'webhook',
      reason: 'throttled',
    });
  });

  it.each([
    ['body global: true', {}, { retry_after: 1, global: true }],
    ['X-RateLimit-Global: true', { 'X-RateLimit-Global': 'true' }, {}],
    ['X-RateLimit-Scope: global', { 'x-ratelimit-scope': 'global' }, {}],
  ])('%s → global', (_name, extra, body) => {
    expect(throttle({ headers: { ...BUCKET, ...extra }, body })).toMatchObject({ scope: 'global', reason: 'throttled' });
  });

  it('no X-RateLimit-* headers at all → Cloudflare ban, at least 5 minutes', () => {
    expect(throttle({ headers: { 'retry-after': '10', 'content-type': 'text/html' }, body: '<html>1015</html>' })).toMatchObject({
      scope: 'cloudflare',
      reason: 'cloudflare_ban',
      retryAfterMs: CLOUDFLARE_BAN_MIN_MS,
    });
    expect(throttle({}).retryAfterMs).toBe(CLOUDFLARE_BAN_MIN_MS);
    expect(throttle({ headers: { 'retry-after': '900' } }).retryAfterMs).toBe(900_000);
    expect(CLOUDFLARE_BAN_MIN_MS).toBeGreaterThanOrEqual(5 * 60_000);
  });

  it('a 429 while Remaining > 0 → sublimit', () => {
    expect(throttle({ headers: { ...BUCKET, 'x-ratelimit-remaining': '3' } }).scope).toBe('sublimit');
  });

  it('X-RateLimit-Scope: shared → shared (wins over sublimit)', () => {
    expect(throttle({ headers: { ...BUCKET, 'x-ratelimit-scope': 'shared', 'x-ratelimit-remaining': '2' } }).scope).toBe(
      'shared',
    );
  });

  it('carries the rate-limit info and a URL-free detail', () => {
    const token = 'tok_SECRET_123';
    const result = throttle({
      headers: { ...BUCKET, 'retry-after': '1' },
      body: { message: `slow down https://discord.com/api/webhooks/1/${token}`, retry_after: 1 },
    });
    expect(result.rateLimit).toMatchObject({ limit: 5, remaining: 0, bucket: 'b1' });
    expect(result.detail).toContain('HTTP 429 (webhook');
    expect(JSON.stringify(result)).not.toContain(token);
  });
});

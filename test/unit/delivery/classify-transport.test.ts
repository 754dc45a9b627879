import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { classify } from '../../../src/delivery/classify.js';

function sysError(code: string, message = `connect ${code} 162.159.135.232:443`): Error {
  return Object.assign(new Error(message), { code });
}

describe('transport errors', () => {
  it.each([
    ['undici ConnectTimeoutError', new errors.ConnectTimeoutError(), 'timeout'],
    ['undici HeadersTimeoutError', new errors.HeadersTimeoutError(), 'timeout'],
    ['undici BodyTimeoutError', new errors.BodyTimeoutError(), 'timeout'],
    ['undici RequestAbortedError', new errors.RequestAbortedError(), 'timeout'],
    ['AbortSignal.timeout TimeoutError', new DOMException('The operation timed out.', 'TimeoutError'), 'timeout'],
    ['AbortError', new DOMException('This operation was aborted', 'AbortError'), 'timeout'],
    ['ETIMEDOUT', sysError('ETIMEDOUT'), 'timeout'],
    ['undici SocketError', new errors.SocketError('other side closed'), 'network'],
    ['ECONNRESET', sysError('ECONNRESET', 'read ECONNRESET'), 'network'],
    ['ECONNREFUSED', sysError('ECONNREFUSED'), 'network'],
    ['ENOTFOUND (DNS)', sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND discord.com'), 'network'],
    ['EAI_AGAIN (DNS)', sysError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN discord.com'), 'network'],
    ['EPIPE', sysError('EPIPE'), 'network'],
    ['TLS', sysError('CERT_HAS_EXPIRED', 'certificate has expired'), 'network'],
    ['undici ClientClosedError', new errors.ClientClosedError(), 'network'],
  ] as const)('%s → retryable %s', (_name, error, reason) => {
    expect(classify({ error })).toMatchObject({ kind: 'retryable', reason });
  });

  it('looks through fetch’s TypeError("fetch failed") cause chain', () => {
    const error = new TypeError('fetch failed', { cause: new errors.HeadersTimeoutError() });
    expect(classify({ error })).toMatchObject({ kind: 'retryable', reason: 'timeout' });
    const dns = new TypeError('fetch failed', { cause: sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND discord.com') });
    const result = classify({ error: dns });
    expect(result).toMatchObject({ kind: 'retryable', reason: 'network' });
    expect('detail' in result && result.detail).toMatch(/^DNS lookup failed \(ENOTFOUND\)/);
  });

  it('looks into AggregateError (happy eyeballs)', () => {
    const error = new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], 'connect failed');
    expect(classify({ error })).toMatchObject({ kind: 'retryable', reason: 'network' });
  });

  it('survives cause cycles', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(classify({ error: a })).toMatchObject({ kind: 'retryable', reason: 'unexpected' });
  });

  it('malformed-request errors are permanent (resending cannot help)', () => {
    expect(classify({ error: new errors.InvalidArgumentError('invalid method') })).toMatchObject({
      kind: 'permanent',
      reason: 'unexpected',
    });
    expect(classify({ error: new errors.RequestContentLengthMismatchError() }).kind).toBe('permanent');
  });

  it.each([new Error('boom'), 'a string', 42, null, { weird: true }])('unknown %s → retryable unexpected', (error) => {
    expect(classify({ error })).toMatchObject({ kind: 'retryable', reason: 'unexpected' });
  });

  it('never leaks the webhook URL or token from an error message', () => {
    const token = 'SECRET_tok-ABC';
    const url = `https://discord.com/api/v10/webhooks/42/${token}`;
    const cases: unknown[] = [
      new TypeError(`fetch failed for ${url}`, { cause: sysError('ECONNRESET', `socket hang up ${url}`) }),
      new errors.InvalidArgumentError(`invalid url ${url}`),
      new Error(`POST /api/webhooks/42/${token} exploded`),
      `raw ${url}`,
    ];
    for (const error of cases) {
      const text = JSON.stringify(classify({ error }));
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/https?:\/\//);
    }
  });
});

import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { createLogger } from '../../../src/lib/logger.js';
import { reloadConfig } from '../../../src/ops/reload.js';

describe('reloadConfig when loading throws', () => {
  // SIGHUP and the file watch run `void runtime.reload()`: a throw from loading was an unhandled rejection,
  // which ends the process, where a failed reload keeps the running config.
  it('answers a failed reload with the reason, counts it, and swaps nothing', async () => {
    const env = new Proxy({}, { ownKeys: () => { throw new Error('env exploded'); } });
    const results: string[] = [];
    let swapped = false;
    const result = await reloadConfig({
      source: { env },
      current: () => { throw new Error('not reached'); },
      swap: () => { swapped = true; },
      state: {} as never,
      delivery: {} as never,
      logger: pino({ level: 'silent' }),
      onResult: (r) => results.push(r),
    }, 'SIGHUP');
    expect(result).toEqual({ ok: false, issues: [{ path: '(reload)', message: 'the config could not be loaded: Error: env exploded' }] });
    expect(results).toEqual(['failed']);
    expect(swapped).toBe(false);
  });

  // Such a throw is a bug, and the one found (a YAML scalar under a type the seed's variable fills) quoted
  // the webhook URL it was handed: the error line and the answer carried the token.
  it('redacts a URL in what was thrown', async () => {
    const env = new Proxy({}, { ownKeys: () => { throw new TypeError("Cannot create property 'webhook' on string 'https://discord.com/api/webhooks/1/s3cret-token'"); } });
    const lines: string[] = [];
    const result = await reloadConfig({
      source: { env },
      current: () => { throw new Error('not reached'); },
      swap: () => undefined,
      state: {} as never,
      delivery: {} as never,
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
    }, 'SIGHUP');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result) + lines.join('')).not.toContain('s3cret-token');
  });
});

describe('reloadConfig while the store is down', () => {
  // README "Hot reload": a webhook whose URL changed loses its broken mark. With Redis down the clear failed
  // without a word: once Redis was back the rotated webhook was still "broken", its alerts went to general
  // with a broken notice, and nothing told the operator why their fix had not taken.
  it('says so, naming the webhook by its id, when the broken mark of a rotated webhook cannot be cleared', async () => {
    const env = { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/old-token' };
    const before = loadConfigOrThrow({ env, yaml: '' }).config;
    const lines: { level: number; msg: string; webhookId?: string }[] = [];
    // The production logger: its redaction blanks a `webhook` key (meant for URLs), so an id logged under that
    // name read "[redacted]" and the operator could not tell which webhook to fix.
    const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const result = await reloadConfig({
      source: { env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/rotated-token' }, yaml: '' },
      current: () => before,
      swap: () => undefined,
      state: { clearBroken: () => Promise.reject(new Error('Connection is closed.')) } as never,
      delivery: { ensureWorker: () => undefined, start: async () => undefined },
      logger,
    }, 'SIGHUP');
    expect(result).toMatchObject({ ok: true, changed: ['1'] });
    expect(lines.filter((l) => l.level === 40 && l.webhookId === '1').map((l) => l.msg)).toEqual([expect.stringContaining('broken mark')]);
    expect(JSON.stringify(lines)).not.toContain('rotated-token');
  });
});

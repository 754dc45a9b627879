import { readFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXIT } from '../../../src/cli/args.js';
import { loadConfigOrThrow } from '../../../src/config/load.js';
import { statusReport } from '../../../src/ops/status.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const section = (name: string) => readme.slice(readme.indexOf(`<!-- ${name}:start -->`), readme.indexOf(`<!-- ${name}:end -->`));
const source = (path: string) => readFileSync(new URL(`../../../src/${path}`, import.meta.url), 'utf8');
const ticked = (text: string) => new Set([...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop(0);
  runtime = undefined;
});

describe("README's operator sections against the code", () => {
  it('"Alerting rules" names exactly the alerts of config/examples/alertcord-rules.yml', () => {
    const doc = parse(readFileSync(new URL('../../../config/examples/alertcord-rules.yml', import.meta.url), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const inFile = doc.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort();
    const text = section('operations');
    const rules = text.slice(text.indexOf('### Alerting rules'), text.indexOf('### Admin API'));
    const named = [...ticked(rules)].filter((t) => /^(Alertcord[A-Za-z]+|Watchdog)$/.test(t)).sort();
    expect(named).toEqual(inFile);
  });

  it('the command table lists every CLI command and the exit-code table every exit code', () => {
    const cli = section('cli');
    const commands = [...source('cli/main.ts').matchAll(/\{ name: '([a-z-]+)', summary:/g)].map((m) => m[1]!);
    const rows = [...cli.matchAll(/^\| `([a-z-]+)[ `]/gm)].map((m) => m[1]!);
    expect([...new Set(rows)].sort()).toEqual([...commands].sort());
    const codes = [...cli.matchAll(/^\| (\d) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(EXIT).sort());
  });

  it('GET /api/status: the admin table names every field, and Troubleshooting only fields that exist', async () => {
    const { config } = loadConfigOrThrow({ env: { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' }, yaml: '' });
    runtime = createRuntime({ config, logger: pino({ level: 'silent' }) });
    const report = await statusReport({ config: runtime.config, store: runtime.store, state: runtime.state, startedAt: Date.now(), now: Date.now });
    const webhook = report.webhooks[0]!;
    const row = section('operations').split('\n').find((l) => l.startsWith('| `GET /api/status`'))!;
    const documented = new Set([...ticked(row)].map((t) => t.replace(/\[\]$/, '')));
    const fields = [...Object.keys(report), ...Object.keys(webhook), ...Object.keys(report.alertTypes[0]!), 'depth', 'oldestAgeSeconds', ...Object.keys(webhook.breaker), ...Object.keys(webhook.rateLimit)];
    expect(fields.filter((f) => !documented.has(f)), 'fields missing from the README row').toEqual([]);
    // Troubleshooting step 3 names paths into a webhook's report: each must be there.
    const troubleshooting = section('troubleshooting');
    const paths = [...ticked(troubleshooting)].map((t) => t.split(':')[0]!.trim()).filter((t) => /^(broken|breaker\.state|pause\.\w+|queue\.\w+|lastError)$/.test(t));
    expect(paths.length).toBeGreaterThanOrEqual(6);
    const withPause = { ...webhook, pause: { until: '', reason: '' } } as Record<string, unknown>;
    for (const path of paths) {
      const [head, tail] = path.split('.');
      expect(head! in withPause, path).toBe(true);
      if (tail) expect(tail in (withPause[head!] as object), path).toBe(true);
    }
  });

  it('the log messages Troubleshooting quotes are logged by src/', () => {
    const code = ['delivery/intake.ts', 'http/ingest-auth.ts', 'http/app.ts', 'store/redis/index.ts'].map(source).join('\n');
    for (const text of ['muted: accepted, not sent', 'ingest request refused: %s credential (401)', "'request'", 'redis unreachable', 'redis refuses writes: ', 'store unavailable: cannot enqueue']) expect(code, text).toContain(text);
    const t = section('troubleshooting');
    for (const text of ['muted: accepted, not sent', 'ingest request refused: missing credential (401)', 'redis unreachable', 'redis refuses writes: READONLY', 'store unavailable: cannot enqueue']) expect(t, text).toContain(text);
    // What the log says of Discord's side (delivery/attempt-log.ts), quoted in step 3.
    const delivery = ['delivery/attempt-log.ts', 'delivery/intake.ts'].map(source).join('\n');
    for (const text of ['Discord requests fail', 'Discord answers again', 'Discord paused every webhook', 'Discord takes requests again after its pause', 'Discord refused the webhook', 'queue full', 'queue takes notifications again']) {
      expect(delivery, text).toContain(text);
      expect(t, text).toContain(text);
    }
  });
});

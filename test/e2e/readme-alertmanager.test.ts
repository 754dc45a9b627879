/**
 * README's Alertmanager snippets against the real binary (Debian's prometheus-alertmanager 0.25): every
 * `webhook_configs` block README shows loads (`amtool check-config`), and the receiver snippet, copied as
 * it stands (only its host and token file path swapped for the test's), delivers through alertcord with
 * INGEST_TOKEN set, bearer and basic auth alike. Then what Alertmanager really does with alertcord's
 * answers, which README promises: a 401 shows in its log, a 4xx (400, 413) is not retried within a flush
 * but the group is sent again at its next `group_interval`, a 503 is retried with backoff until it goes
 * through.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AM_FAST_ROUTE, checkAlertmanagerConfig, startAlertmanager, type AlertmanagerProcess } from '../helpers/alertmanager.js';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { freeFixedPort } from '../helpers/processes.js';
import { startHttpServer } from '../../src/http/serve.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const TOKEN = 'readme-ingest-token';
const WAIT = { timeout: 20_000, interval: 200 };

/** The README's fenced YAML blocks that configure an Alertmanager webhook receiver. */
function alertmanagerSnippets(): string[] {
  const blocks = [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.filter((b) => /^\s*webhook_configs:/m.test(b));
}

interface WebhookConfig {
  url: string;
  http_config?: {
    authorization?: { type?: string; credentials_file?: string };
    basic_auth?: { username?: string; password_file?: string };
  };
  [key: string]: unknown;
}

/**
 * The snippet under README's "### Alertmanager" heading, parsed, with its URL pointed at `origin` and every
 * `*_file` at `tokenFile`: nothing else changed.
 */
function readmeReceiver(origin: string, tokenFile: string): { name: string; webhook_configs: WebhookConfig[] } {
  const section = README.slice(README.indexOf('### Alertmanager\n'));
  const block = /^```yaml\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (!block) throw new Error("README has no YAML block under '### Alertmanager'");
  const doc = parse(block) as { receivers: Array<{ name: string; webhook_configs: WebhookConfig[] }> };
  const receiver = doc.receivers[0]!;
  for (const hook of receiver.webhook_configs) {
    const url = new URL(hook.url);
    hook.url = `${origin}${url.pathname}`;
    const auth = hook.http_config?.authorization;
    if (auth?.credentials_file) auth.credentials_file = tokenFile;
    const basic = hook.http_config?.basic_auth;
    if (basic?.password_file) basic.password_file = tokenFile;
  }
  return receiver;
}

/** A whole alertmanager.yml: the fast test timing, everything to `receiver`. */
function amYaml(receiver: { name: string }, timing: Partial<Record<keyof typeof AM_FAST_ROUTE, string>> = {}): string {
  return stringify({ route: { receiver: receiver.name, group_by: ['alertname'], ...AM_FAST_ROUTE, ...timing }, receivers: [receiver] });
}

/** `alertcord_ingest_requests_total` for the Alertmanager route and one status code. */
async function ingestCount(bridge: Bridge, code: number): Promise<number> {
  const text = await (await fetch(`${bridge.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('alertcord_ingest_requests_total{') && l.includes('route="/webhook/alertmanager"') && l.includes(`code="${code}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let tokenFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertcord-readme-am-'));
  tokenFile = join(dir, 'alertcord-token');
  // As `echo "$TOKEN" > file` or a container secret writes it: with a trailing newline.
  await writeFile(tokenFile, `${TOKEN}\n`, 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("README's Alertmanager snippets", () => {
  it('every webhook_configs block README shows is accepted by amtool check-config', async () => {
    const snippets = alertmanagerSnippets();
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    for (const snippet of snippets) {
      const result = await checkAlertmanagerConfig(`route: { receiver: discord }\n${snippet}`);
      expect(result.output, snippet).toContain('SUCCESS');
      expect(result.ok).toBe(true);
    }
  });

  describe('the receiver snippet, copied, against alertcord with INGEST_TOKEN', () => {
    let bridge: Bridge;
    const ams: AlertmanagerProcess[] = [];

    beforeAll(async () => {
      bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN } });
    });

    afterAll(async () => {
      await Promise.all(ams.map((am) => am.stop()));
      await bridge?.close();
    });

    const monitoring = () => bridge.fake.messagesFor(HOOK_IDS.monitoring!).map((m) => JSON.stringify(m.body)).join('\n');

    it('delivers with its bearer token file (a trailing newline included)', async () => {
      const receiver = readmeReceiver(bridge.url, tokenFile);
      expect(receiver.webhook_configs[0]!.http_config?.authorization?.credentials_file).toBe(tokenFile);
      const am = await startAlertmanager({ config: amYaml(receiver) });
      ams.push(am);
      await am.pushAlerts([{ labels: { alertname: 'ReadmeBearer', severity: 'warning' }, annotations: { summary: 'bearer from README' } }]);
      await expect.poll(() => monitoring().includes('bearer from README'), WAIT).toBe(true);
      expect(am.logs()).not.toMatch(/status code 4\d\d/);
    });

    it('delivers with basic auth and only a password_file, as README says works too', async () => {
      const receiver = readmeReceiver(bridge.url, tokenFile);
      for (const hook of receiver.webhook_configs) hook.http_config = { basic_auth: { password_file: tokenFile } };
      const am = await startAlertmanager({ config: amYaml(receiver) });
      ams.push(am);
      await am.pushAlerts([{ labels: { alertname: 'ReadmeBasic', severity: 'warning' }, annotations: { summary: 'basic from README' } }]);
      await expect.poll(() => monitoring().includes('basic from README'), WAIT).toBe(true);
    });

    it("a wrong token is a 401 in Alertmanager's log, not retried within the flush", async () => {
      const wrong = join(dir, 'wrong-token');
      await writeFile(wrong, 'not-the-token\n', 'utf8');
      const receiver = readmeReceiver(bridge.url, wrong);
      const am = await startAlertmanager({ config: amYaml(receiver, { group_interval: '1h' }) });
      ams.push(am);
      const before = await ingestCount(bridge, 401);
      await am.pushAlerts([{ labels: { alertname: 'ReadmeWrongToken', severity: 'warning' } }]);
      await expect.poll(() => am.logs(), WAIT).toMatch(/unexpected status code 401/);
      await sleep(3000);
      expect(await ingestCount(bridge, 401)).toBe(before + 1);
      expect(monitoring()).not.toContain('ReadmeWrongToken');
    });
  });
});

describe("what Alertmanager does with alertcord's answers", () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  async function setup(yaml: string, env: Record<string, string> = {}): Promise<{ bridge: Bridge; am: AlertmanagerProcess }> {
    const bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN, ...env }, yaml });
    stops.push(() => bridge.close());
    const am = await startAlertmanager({ config: amYaml(readmeReceiver(bridge.url, tokenFile)) });
    stops.push(() => am.stop());
    return { bridge, am };
  }

  for (const [code, yaml] of [
    [413, 'server: { body_limit: 64 }'],
    [400, 'server: { max_json_depth: 2 }'],
  ] as const) {
    it(`a ${code} is not retried within the flush; the group is sent again at the next group_interval (2 s here)`, async () => {
      const { bridge, am } = await setup(yaml);
      await am.pushAlerts([{ labels: { alertname: `Refused${code}`, severity: 'warning' } }]);
      await expect.poll(() => ingestCount(bridge, code), WAIT).toBeGreaterThanOrEqual(1);
      const first = Date.now();
      await expect.poll(() => ingestCount(bridge, code), WAIT).toBeGreaterThanOrEqual(3);
      // Three requests took about two group_intervals (4 s): one per flush, not a backoff burst.
      expect(Date.now() - first).toBeGreaterThan(2500);
      expect(am.logs()).toMatch(new RegExp(`unexpected status code ${code}`));
    });
  }

  it('a 503 (queue full) is retried with backoff within the flush, and the alert goes through', async () => {
    const { bridge, am } = await setup('', { DISCORD_QUEUE_SIZE: '1' });
    bridge.fake.setPaused(true);
    // The first group fills the queue (held at the paused Discord); the second is answered 503.
    await am.pushAlerts([{ labels: { alertname: 'Holder', severity: 'warning' }, annotations: { summary: 'holder' } }]);
    await expect.poll(() => ingestCount(bridge, 202), WAIT).toBe(1);
    await am.pushAlerts([{ labels: { alertname: 'Retried', severity: 'warning' }, annotations: { summary: 'retried after 503' } }]);
    await expect.poll(() => ingestCount(bridge, 503), WAIT).toBeGreaterThanOrEqual(2);
    bridge.fake.setPaused(false);
    const text = () => bridge.fake.messagesFor(HOOK_IDS.monitoring!).map((m) => JSON.stringify(m.body)).join('\n');
    await expect.poll(() => text().includes('retried after 503'), WAIT).toBe(true);
  });

  it('a refused connection (alertcord restarting) is retried with backoff, and the alert goes through', async () => {
    const bridge = await startBridge({ env: { INGEST_TOKEN: TOKEN } });
    stops.push(() => bridge.close());
    // alertcord's port, not listening yet: Alertmanager's first attempts are refused.
    const port = await freeFixedPort();
    const am = await startAlertmanager({ config: amYaml(readmeReceiver(`http://127.0.0.1:${port}`, tokenFile), { group_interval: '1h' }) });
    stops.push(() => am.stop());
    await am.pushAlerts([{ labels: { alertname: 'WhileDown', severity: 'warning' }, annotations: { summary: 'sent while alertcord was down' } }]);
    await expect.poll(() => am.logs(), WAIT).toMatch(/connection refused/);
    const server = await startHttpServer(bridge.runtime.app, bridge.runtime.config(), { host: '127.0.0.1', port });
    stops.push(() => server.close());
    // Within the same flush (group_interval is 1 h): nothing waits for a next one.
    await expect.poll(() => bridge.fake.messagesFor(HOOK_IDS.monitoring!).some((m) => JSON.stringify(m.body).includes('sent while alertcord was down')), WAIT).toBe(true);
  });
});

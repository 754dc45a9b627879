import { expect, it } from 'vitest';
import { validateWebhooksCommand } from '../../../src/cli/validate-webhooks.js';
import type { FakeDiscord } from '../../helpers/fake-discord/index.js';
import { cliSandbox } from '../../helpers/cli-sandbox.js';

/**
 * `alertcord validate-webhooks` through a Discord outage: exit 3 says "Discord could not be asked" (README),
 * and each line must say the same. It printed `INVALID` for every webhook, which an operator at 3 a.m. reads as
 * "all webhooks deleted" and goes rotating URLs that are fine.
 */
const sandbox = cliSandbox('alertcord-validate-');
const WEBHOOKS = [{ id: '1', token: 'a', channelId: 'c1' }, { id: '2', token: 'b', channelId: 'c2' }];

async function run(fake: FakeDiscord, config: string): Promise<{ code: number | undefined; out: string }> {
  const out: string[] = [];
  const env = { CONFIG_FILE: config, DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, DISCORD_WEBHOOK_GENERAL: fake.urlFor('1'), DISCORD_WEBHOOK_ERRORS: fake.urlFor('2') };
  const code = await validateWebhooksCommand.run([], { env, out: (t) => out.push(t), err: () => undefined });
  return { code, out: out.join('\n') };
}

it('Discord answering 5xx: exit 3 and lines that say it could not be asked, not INVALID', async () => {
  const { fake, configFile } = await sandbox.start(WEBHOOKS);
  fake.setDown({ status: 502, body: '<html>bad gateway</html>' });
  const { code, out } = await run(fake, configFile);
  expect(code).toBe(3);
  expect(out).not.toMatch(/INVALID/);
  expect(out).toMatch(/^UNKNOWN\s+1\s+general\b.*502/m);
  expect(out).toMatch(/^UNKNOWN\s+2\s+error\b/m);
});

it('a webhook Discord refuses is still INVALID (exit 1), beside one it could not be asked about', async () => {
  const { fake, configFile } = await sandbox.start(WEBHOOKS);
  fake.setBroken('2');
  fake.inject('1', { status: 503, body: '<html>unavailable</html>' });
  const { code, out } = await run(fake, configFile);
  expect(code).toBe(1);
  expect(out).toMatch(/^INVALID\s+2\s+error\s+broken/m);
  expect(out).toMatch(/^UNKNOWN\s+1\s+general\b/m);
});

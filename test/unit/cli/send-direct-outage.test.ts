import { expect, it } from 'vitest';
import { sendCommand } from '../../../src/cli/send.js';
import { cliSandbox } from '../../helpers/cli-sandbox.js';

/**
 * `alertcord send --direct` through a Discord outage (every retry and the webhook's GET fail). The library
 * answers `queued` ("sent once Discord answers, while this service runs"), but the command closes its service
 * and exits: nothing is kept. It exited 1 ("failed") with that text, so a script that retries on 3
 * ("unavailable, retry later", as for --timeout and validate-webhooks' unreachable Discord) dropped the alert,
 * and the operator read that it would still go out.
 */
const sandbox = cliSandbox('alertcord-direct-');

it('Discord down: exit 3 (retry later), saying nothing is kept; nothing is posted after the command returns', async () => {
  const { fake, configFile: config } = await sandbox.start([{ id: '1', token: 'a', channelId: 'c1' }]);
  fake.setDown({ status: 502, body: '<html>bad gateway</html>' });
  const out: string[] = [];
  const err: string[] = [];
  const env = { CONFIG_FILE: config, DISCORD_ALLOWED_HOSTS: new URL(fake.origin).host, DISCORD_WEBHOOK_GENERAL: fake.urlFor('1'), DISCORD_RETRY_ATTEMPTS: '0' };
  const code = await sendCommand.run(['--direct', '--type', 'general', '--title', 'during the outage', '--timeout', '20'], { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  expect(code).toBe(3);
  expect(JSON.parse(out.join('\n'))).toMatchObject({ success: false, status: 'queued' });
  expect(err.join('\n')).toMatch(/nothing is kept.*retry later/);
  const requests = fake.requests.length;
  fake.setDown(null);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(fake.requests.length).toBe(requests);
  expect(fake.messages).toHaveLength(0);
});

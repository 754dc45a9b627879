import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from './fake-discord/index.js';

/**
 * What a CLI command's test runs against: a strict fake Discord with `webhooks` and a config file of its own
 * (CONFIG_FILE), both gone after each test. Call at a file's top level (it registers the afterEach).
 */
export function cliSandbox(prefix: string) {
  let fake: FakeDiscord | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    fake = undefined;
    dir = undefined;
  });
  return {
    async start(webhooks: { id: string; token: string; channelId: string }[]): Promise<{ fake: FakeDiscord; configFile: string }> {
      fake = await startFakeDiscord({ webhooks });
      dir = mkdtempSync(join(tmpdir(), prefix));
      const configFile = join(dir, 'alertcord.yaml');
      writeFileSync(configFile, '{}\n');
      return { fake, configFile };
    },
  };
}

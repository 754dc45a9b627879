import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';

const run = promisify(execFile);
const SCRIPT = new URL('../../config/examples/send-alert.sh', import.meta.url).pathname;
let bridge: Bridge;

beforeAll(async () => {
  bridge = await startBridge({ env: { INGEST_TOKEN: 'script-token' } });
});
afterAll(async () => bridge?.close());

describe('a shell script with curl as the generic client (config/examples/send-alert.sh, as in the README)', () => {
  it('delivers to the requested type, escaping quotes and newlines', async () => {
    const { stdout } = await run('bash', [SCRIPT, 'error', 'Backup "nightly" failed', 'exit 2\nsee /var/log/backup.log', 'error'], {
      env: { ...process.env, ALERTCORD_URL: bridge.url, ALERTCORD_TOKEN: 'script-token' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1 });
    const [msg] = await bridge.fake.waitForMessages(1);
    expect(msg?.webhookId).toBe(HOOK_IDS.error);
    const embed = (msg?.body as { embeds: { title: string; description: string }[] }).embeds[0];
    expect(embed?.title).toContain('Backup "nightly" failed');
    expect(embed?.description).toBe('exit 2\nsee /var/log/backup.log');
  });

  it("sends INGEST_TOKEN, the server's own variable, when ALERTCORD_TOKEN is not set", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ALERTCORD_URL: bridge.url, INGEST_TOKEN: 'script-token' };
    delete env.ALERTCORD_TOKEN;
    const { stdout } = await run('bash', [SCRIPT, 'general', 'Token from INGEST_TOKEN'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ accepted: 1 });
  });

  it('fails the script (non-zero exit) on a rejected request', async () => {
    await expect(run('bash', [SCRIPT, 'general', 'x', '', 'not-a-severity'], { env: { ...process.env, ALERTCORD_URL: bridge.url, ALERTCORD_TOKEN: 'script-token' } })).rejects.toMatchObject({ code: 22 });
  });
});

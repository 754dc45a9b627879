import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, loadConfigOrThrow, type LoadOptions } from '../../../src/config/load.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';

const ENV = { DISCORD_WEBHOOK_GENERAL: 'https://discord.com/api/webhooks/1/general-token' };
const YAML = 'alert_types:\n  database: { webhook: "https://discord.com/api/webhooks/2/database-token" }\n';

/** A file system of one directory (the working directory): what is missing answers ENOENT, as readFileSync does. */
function files(initial: Record<string, string>): { readFile: (path: string) => string; set(path: string, text?: string): void } {
  const held = new Map(Object.entries(initial));
  return {
    readFile: (path) => {
      const text = held.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    set: (path, text) => (text === undefined ? held.delete(path) : held.set(path, text)),
  };
}

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.stop(0);
  runtime = undefined;
});

function start(source: LoadOptions): Runtime {
  const { config } = loadConfigOrThrow(source);
  runtime = createRuntime({ config, logger: pino({ level: 'silent' }), configSource: source, processMetrics: false });
  return runtime;
}

describe('reload: the file the start read', () => {
  // `npm start` in a checkout reads config/alertcord.yaml without CONFIG_FILE. A SIGHUP while an editor's save
  // had the file renamed away (vim) read "no file": the built-in defaults, every webhook and route of the file
  // dropped, their queued work moved to general or dead letters.
  it('a reload while the default config file is missing (mid-save) fails and keeps the running config', async () => {
    const fs = files({ [DEFAULT_CONFIG_FILE]: YAML });
    const r = start({ env: ENV, readFile: fs.readFile });
    const before = r.config();
    expect(before.source.file).toBe(DEFAULT_CONFIG_FILE);
    fs.set(DEFAULT_CONFIG_FILE, undefined);
    expect(await r.reload('SIGHUP')).toMatchObject({ ok: false, issues: [{ path: 'CONFIG_FILE' }] });
    expect(r.config()).toBe(before);
    expect(r.config().alertTypes.get('database')?.webhook?.id).toBe('2');
    // Written again: the next reload applies it.
    fs.set(DEFAULT_CONFIG_FILE, YAML.replace('database', 'db'));
    expect(await r.reload('SIGHUP')).toMatchObject({ ok: true });
    expect(r.config().alertTypes.has('db')).toBe(true);
  });

  it('a start without the default file still reloads from one written later', async () => {
    const fs = files({});
    const r = start({ env: ENV, readFile: fs.readFile });
    expect(r.config().source.file).toBeUndefined();
    expect(await r.reload('SIGHUP')).toMatchObject({ ok: true });
    fs.set(DEFAULT_CONFIG_FILE, YAML);
    expect(await r.reload('SIGHUP')).toMatchObject({ ok: true, added: ['2'] });
    expect(r.config().source.file).toBe(DEFAULT_CONFIG_FILE);
  });
});

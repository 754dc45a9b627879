import { afterEach, describe, expect, it } from 'vitest';
import { startFileRuntime, type FileRuntime } from '../helpers/file-runtime.js';

let rt: FileRuntime | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

/**
 * README "Hot reload": an invalid config keeps the running one. `alert_types` mis-indented into a list used
 * to be replaced by {} before validation: the reload succeeded and every configured webhook and user type
 * was dropped (their queues rerouted to dead letters).
 */
describe('reload of a config with a section of the wrong shape', () => {
  it('a reload whose alert_types became a list fails and keeps the running config', async () => {
    const yaml = (hook: (type: string) => string) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n  database: { webhook: "${hook('error')}" }\n`;
    rt = await startFileRuntime({ yaml });
    const r = rt;
    const before = r.runtime.config();
    r.writeConfig(`alert_types:\n  - general: { webhook: "${r.hook('general')}" }\n  - database: { webhook: "${r.hook('error')}" }\n`);
    const result = await r.runtime.reload('test');
    expect(result.ok).toBe(false);
    expect(r.runtime.config()).toBe(before);
    expect(r.runtime.config().alertTypes.has('database')).toBe(true);
  });
});

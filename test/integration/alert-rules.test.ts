import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOT_FOUND = 'promtool not found: apt-get install -y prometheus (npm test installs it)';

/** Runs promtool; a missing binary fails with the package to install (tests never skip without it). */
function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error(NOT_FOUND));
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('the example alerting rules, checked by the real promtool', () => {
  it('pass `promtool check rules`', async () => {
    const r = await promtool('check', 'rules', 'config/examples/alertcord-rules.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('fire as intended on alertcord series (`promtool test rules`)', async () => {
    const r = await promtool('test', 'rules', 'test/fixtures/prometheus/alertcord-rules.test.yml');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // expect.poll waits for something to happen (a delivery through the fake Discord, a history entry …);
    // vitest's default of 1 s fails a correct run whenever a loaded CI machine stalls this process for a
    // second. A poll ends as soon as its condition holds, so a generous default costs nothing when green.
    expect: { poll: { timeout: 10_000 } },
    // Integration tests start real servers (Redis, Alertmanager, Chromium); two cores, two workers.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

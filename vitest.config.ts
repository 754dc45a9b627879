import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests start real servers (Redis, Alertmanager); keep two cores from fighting.
    maxWorkers: 2,
  },
});

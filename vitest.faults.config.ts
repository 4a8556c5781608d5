import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: kill -9 and SIGTERM at every step of a tip and of an order payment, on SQLite and on
 * PostgreSQL, with two processes (test/faults/). Not part of `npm test`: it spawns a process per fault.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One suite per provider, side by side (two cores).
    maxWorkers: 2,
  },
});

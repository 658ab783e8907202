/**
 * `npm run test:pgbouncer`: the processing and notification integration suites, and an end-to-end
 * run, again, with every database reached through a PgBouncer in transaction-pooling mode that each
 * test file starts in front of the tests' Postgres and stops afterwards (through-pgbouncer.setup.ts).
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test'],
  testMatch: [
    '<rootDir>/test/integration/processing/**/*.spec.ts',
    '<rootDir>/test/integration/notifications/**/*.spec.ts',
    '<rootDir>/test/pgbouncer/**/*.pgbouncer-spec.ts',
  ],
  setupFilesAfterEnv: ['<rootDir>/test/pgbouncer/through-pgbouncer.setup.ts'],
};

/** `npm run test:reliability`: the fault-injection suite, one file at a time (each starts its own Redis and Postgres). */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability-spec.ts'],
  testTimeout: 240_000,
  maxWorkers: 1,
};

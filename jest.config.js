/** Jest runs in native ESM mode: Nest 12 packages are ESM-only. */
const aliases = [
  'config',
  'flexport',
  'queue',
  'database',
  'processing',
  'milestones',
  'bookings',
  'purchase-orders',
  'invoices',
  'documents',
  'containers',
  'notifications',
  'observability',
];

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    ...Object.fromEntries(aliases.map((name) => [`^@app/${name}$`, `<rootDir>/libs/${name}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};

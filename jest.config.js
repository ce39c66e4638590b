/**
 * Tests run on the compiled output (`npm run build` first) as native ES modules,
 * because NestJS 12 ships ES modules only. Integration tests share one Postgres
 * server (embedded, or DATABASE_URL) and each creates its own database.
 */
export default {
  rootDir: 'dist',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/bench'],
  testMatch: ['**/*.spec.js', '**/test/**/*.test.js'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testEnvironment: 'node',
  testTimeout: 60000,
  maxWorkers: 2,
};

// SWC instead of ts-jest: NestJS 12 ships ESM-only pieces that ts-jest cannot load, and
// decoratorMetadata must be on or Nest's injection silently yields undefined.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // jose (JWT/JWKS) and kysely (migrations) are ESM-only too; compiled to CommonJS here like @nestjs. The built app needs
  // no such step: Node >= 20.19 loads it with require().
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type|jose|kysely)/)'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^@escrow/projections/(.*)$': '<rootDir>/projections/$1/index.ts',
    '^@escrow/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testTimeout: 60000,
  // One worker per core, not Jest's default of one fewer: the suites spend much of their time
  // waiting on PostgreSQL, HTTP and timers, so on two cores two workers nearly halve the run.
  maxWorkers: '100%',
  // A directory shared by the workers of one run (the PGlite data-directory dump), removed after it.
  globalSetup: '<rootDir>/test/support/jest-global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/jest-global-teardown.cjs',
};

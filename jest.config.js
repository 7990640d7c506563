// SWC instead of ts-jest: NestJS 12 ships ESM-only pieces that ts-jest cannot load, and
// decoratorMetadata must be on or Nest's injection silently yields undefined.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true },
  transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|file-type)/)'],
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  moduleNameMapper: {
    '^@escrow/projections/(.*)$': '<rootDir>/projections/$1/index.ts',
    '^@escrow/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testTimeout: 60000,
};

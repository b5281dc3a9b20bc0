// @ts-check
/** Jest configuration: unit specs live next to the library code, e2e scenarios under test/. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** Nest 12 and a few of its dependencies ship ES modules only: let the transform through them. */
const esmPackages = [
  '@nestjs',
  'jose',
  'file-type',
  'strtok3',
  'token-types',
  'uint8array-extras',
  '@tokenizer',
  'load-esm',
  'magic-string',
];

const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@rampart/security$': '<rootDir>/libs/security/src/index.ts',
    '^@rampart/security/(.*)$': '<rootDir>/libs/security/src/$1',
  },
  // Build output (the app, the packed library) holds package.json copies that would clash.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/libs/**/schematics/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      // Real servers, browsers and child processes: allow for a loaded 2-core machine.
      testTimeout: 30_000,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

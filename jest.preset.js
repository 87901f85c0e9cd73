// Shared jest settings: SWC transpiles TypeScript (type checking is the typecheck target's job),
// and libraries resolve to their TypeScript sources through the "@caudal/source" export condition.
const path = require('node:path');
const swcrc = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));

module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@caudal/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }],
    // Dependencies that ship ES modules only (Nest 12 and others): Node 20 can require() them,
    // jest's module system cannot, so they are compiled to CommonJS (cached after the first run).
    '/node_modules/.+\\.m?js$': path.join(__dirname, 'tools/jest/esm-to-cjs.js'),
  },
  transformIgnorePatterns: [],
  testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/*.int-spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Integration suites start databases and servers; their hooks need more than jest's 5 s default.
  testTimeout: 60_000,
  reporters: ['default', path.join(__dirname, 'tools/jest/count-reporter.js')],
  setupFiles: [path.join(__dirname, 'tools/jest/setup-env.js')],
};

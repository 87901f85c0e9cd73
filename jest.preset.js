// Shared jest settings: SWC transpiles TypeScript (type checking is the typecheck target's job),
// and libraries resolve to their TypeScript sources through the "@caudal/source" export condition.
const path = require('node:path');
const swcrc = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));

module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@caudal/source', 'node', 'require', 'default'] },
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: [path.join(__dirname, 'tools/jest/setup-env.js')],
};

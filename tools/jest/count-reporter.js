// Jest reporter that records the counts of one run in <rootDir>/.test-results/<unit|int>.json, so
// that `npm test` can close with one line for the whole workspace (tools/test-summary.mjs).
const fs = require('node:fs');
const path = require('node:path');

class CountReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(contexts, results) {
    const patterns = JSON.stringify(this.globalConfig.testPathPatterns ?? '');
    const kind = patterns.includes('int-spec') ? 'int' : 'unit';
    const [context] = [...contexts];
    const rootDir = context ? context.config.rootDir : this.globalConfig.rootDir;
    const dir = path.join(rootDir, '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${kind}.json`),
      JSON.stringify({
        passed: results.numPassedTests,
        failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
        skipped: results.numPendingTests + results.numTodoTests,
      }),
    );
  }
}

module.exports = CountReporter;

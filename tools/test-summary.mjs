// Prints the closing line of `npm test`: the tests of every project added up, from the counts the
// jest runs of this invocation recorded (tools/jest/count-reporter.js).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const totals = { passed: 0, failed: 0, skipped: 0 };
const projects = ['apps', 'libs'].flatMap((group) =>
  existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
);
for (const project of [...projects, join(root, 'infra')]) {
  const dir = join(project, '.test-results');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir)) {
    const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const key of Object.keys(totals)) totals[key] += counts[key];
  }
}
process.stdout.write(
  `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);

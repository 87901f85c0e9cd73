// Removes the test counts of earlier runs (Nx restores those of cached runs from its cache).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const group of ['apps', 'libs']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group)))
    rmSync(join(root, group, name, '.test-results'), { recursive: true, force: true });
}
rmSync(join(root, 'infra', '.test-results'), { recursive: true, force: true });

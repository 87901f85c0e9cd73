import { schemaBuiltTwoWays } from '@caudal/testing';
import { OPS_MIGRATIONS, OPS_ROLE } from '../src';

describe('infra/sql/ops.sql (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  it('creates exactly the run ledger (table, indexes, view) the ops migrations create', async () => {
    const { migrated, fromFile } = await schemaBuiltTwoWays({
      spec: { role: OPS_ROLE, migrations: OPS_MIGRATIONS },
      sqlFile: 'infra/sql/ops.sql',
    });
    expect(migrated.some((line) => line.startsWith('view partition_status: '))).toBe(true);
    expect(migrated.some((line) => line.includes('ux_pipeline_runs_one_running'))).toBe(true);
    expect(fromFile).toEqual(migrated);
  });
});

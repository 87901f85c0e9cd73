import { configProblems, loadConfig } from '@caudal/platform';
import { RecordsApiConfig } from './config';

const TOKENS = { RECORDS_ADMIN_TOKENS: 'admin-token-0123456789' };

const problems = (env: NodeJS.ProcessEnv) =>
  configProblems(() => loadConfig('records-api', RecordsApiConfig, env));

describe('records API configuration', () => {
  it('accepts a PostgreSQL URL for the records database', () => {
    expect(problems({ ...TOKENS })).toEqual([]);
    expect(problems({ ...TOKENS, RECORDS_DATABASE_URL: 'postgres://u:p@db:5432/records' })).toEqual([]);
  });

  it('refuses a MySQL URL for the records database', () => {
    expect(problems({ ...TOKENS, RECORDS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' })).toEqual([
      'RECORDS_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
  });
});

import { configProblems, loadConfig } from '@caudal/platform';
import { ConnectorApiConfig } from './config';

const problems = (env: NodeJS.ProcessEnv) =>
  configProblems(() => loadConfig('connector-api', ConnectorApiConfig, env));

describe('connector API configuration', () => {
  it('accepts the defaults and a PostgreSQL URL for the source database', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ SOURCE_DATABASE_URL: 'postgresql://u:p@db:5432/source' })).toEqual([]);
  });

  it('refuses a MySQL URL for the source database', () => {
    expect(problems({ SOURCE_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' })).toEqual([
      'SOURCE_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
  });

  it('says a bad port once', () => {
    expect(problems({ PORT: 'abc' })).toEqual(['PORT: must be an integer between 0 and 65535']);
  });
});

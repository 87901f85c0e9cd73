import { configProblems, loadConfig } from './env-config';
import {
  IsOptionalDatabaseUrl,
  POSTGRES_OR_MYSQL_URL_SCHEMES,
  POSTGRES_URL_SCHEMES,
} from './config-decorators';

class UrlsConfig {
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  RECORDS_DATABASE_URL?: string;

  @IsOptionalDatabaseUrl(POSTGRES_OR_MYSQL_URL_SCHEMES)
  RELATIONS_DATABASE_URL?: string;
}

const problems = (env: NodeJS.ProcessEnv) => configProblems(() => loadConfig('sample', UrlsConfig, env));

describe('IsOptionalDatabaseUrl(schemes)', () => {
  it('accepts unset and the schemes given', () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        RECORDS_DATABASE_URL: 'postgresql://u:p@db:5432/records',
        RELATIONS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/relations',
      }),
    ).toEqual([]);
    expect(problems({ RELATIONS_DATABASE_URL: 'postgres://postgres@127.0.0.1/relations' })).toEqual([]);
  });

  it('refuses a MySQL URL for a PostgreSQL-only setting, naming the schemes it takes', () => {
    expect(problems({ RECORDS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' })).toEqual([
      'RECORDS_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
    expect(problems({ RELATIONS_DATABASE_URL: 'oracle://x/y' })).toEqual([
      'RELATIONS_DATABASE_URL: must be a postgres://, postgresql:// or mysql:// URL',
    ]);
  });

  it('needs at least one scheme', () => {
    expect(() => IsOptionalDatabaseUrl([])).toThrow('IsOptionalDatabaseUrl needs at least one scheme');
  });
});

export { createTestPostgres, type TestPostgres } from './test-postgres';
export {
  createTestMysqlOrPostgres,
  TEST_MYSQL_APP_ENGINES,
  TEST_MYSQL_TARGET,
  type TestMysqlOrPostgres,
} from './test-mysql';
export { freePort } from './free-port';
export { describePostgresSchema, schemaBuiltTwoWays } from './readable-sql';

export { createTestPostgres, type TestPostgres } from './test-postgres';

export { createTestPostgres, type TestPostgres } from './test-postgres';
export { freePort } from './free-port';

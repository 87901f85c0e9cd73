import { parseDatabaseUrl, redactDatabaseUrl, withDatabaseName } from './database-url';

describe('parseDatabaseUrl', () => {
  it('reads postgres and mysql URLs with default ports', () => {
    expect(parseDatabaseUrl('postgres://postgres@127.0.0.1/source')).toEqual({
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: 'source',
    });
    expect(parseDatabaseUrl('postgresql://a@h:6543/x').port).toBe(6543);
    expect(parseDatabaseUrl('mysql://root@db/relations')).toMatchObject({ kind: 'mysql', port: 3306 });
  });

  it('rejects other schemes and non-URLs', () => {
    expect(() => parseDatabaseUrl('redis://h/0')).toThrow('is not postgres:// or mysql://');
    expect(() => parseDatabaseUrl('not a url')).toThrow('not a valid URL');
  });
});

describe('withDatabaseName / redactDatabaseUrl', () => {
  it('swaps the database and masks passwords', () => {
    expect(withDatabaseName('postgres://u:p@h:5432/postgres', 'caudal_t1')).toBe(
      'postgres://u:p@h:5432/caudal_t1',
    );
    expect(redactDatabaseUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});

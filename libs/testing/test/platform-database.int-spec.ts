import { openDatabase, openMigratedDatabases, withDatabaseName } from '@caudal/platform';
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestPostgres } from '../src';

class FailingMigration1700000000001 implements MigrationInterface {
  name = 'FailingMigration1700000000001';
  async up(): Promise<void> {
    throw new Error('this migration always fails');
  }
  async down(): Promise<void> {}
}

class CreateProbe1700000000000 implements MigrationInterface {
  name = 'CreateProbe1700000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const table = queryRunner.connection.options.type === 'mysql' ? 'probe' : 'probe.items';
    await queryRunner.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, label varchar(20) NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

describe('database URL -> TypeORM DataSource with migrations', () => {
  it('postgres://: creates the role schema, applies migrations once, exposes the pg pool', async () => {
    const pg = await createTestPostgres('platform_db');
    const db = await openDatabase({ role: 'probe', url: pg.url, migrations: [CreateProbe1700000000000] });
    try {
      expect(db.kind).toBe('postgres');
      expect(await db.migrate()).toEqual(['CreateProbe1700000000000']);
      expect(await db.migrate()).toEqual([]);
      await db.pgPool().query(`INSERT INTO probe.items VALUES (1, 'one')`);
      const { rows } = await db.pgPool().query('SELECT label FROM probe.items');
      expect(rows).toEqual([{ label: 'one' }]);
      const migrations = await db.dataSource.query('SELECT name FROM probe.probe_migrations');
      expect(migrations).toEqual([{ name: 'CreateProbe1700000000000' }]);
      await expect(db.ping()).resolves.toBeUndefined();
    } finally {
      await db.close();
      await pg.close();
    }
  });

  const mysqlUrl = process.env['TEST_MYSQL_URL'];
  // MySQL has no embedded stand-in: this runs where TEST_MYSQL_URL names a server (CI does).
  (mysqlUrl ? it : it.skip)('mysql://: opens through mysql2 and applies migrations once', async () => {
    const name = `caudal_t_platform_${randomBytes(4).toString('hex')}`;
    const admin = await createConnection(mysqlUrl!);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    const db = await openDatabase({
      role: 'probe',
      url: withDatabaseName(mysqlUrl!, name),
      migrations: [CreateProbe1700000000000],
    });
    try {
      expect(db.kind).toBe('mysql');
      expect(await db.migrate()).toEqual(['CreateProbe1700000000000']);
      expect(await db.migrate()).toEqual([]);
      await db.dataSource.query(`INSERT INTO probe VALUES (1, 'Ñandú')`);
      expect(await db.dataSource.query('SELECT label FROM probe')).toEqual([{ label: 'Ñandú' }]);
      expect(() => db.pgPool()).toThrow('not PostgreSQL');
      await expect(db.ping()).resolves.toBeUndefined();
    } finally {
      await db.close();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.end();
    }
  });

  it('openMigratedDatabases: when one fails, the ones already open are closed and the error surfaces', async () => {
    const pg = await createTestPostgres('platform_dbs');
    try {
      await expect(
        openMigratedDatabases([
          { role: 'probe', url: pg.url, migrations: [CreateProbe1700000000000] },
          { role: 'probe_bad', url: pg.url, migrations: [FailingMigration1700000000001] },
        ]),
      ).rejects.toThrow('this migration always fails');
      if (!pg.embedded) {
        const client = new Client({ connectionString: pg.url });
        await client.connect();
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name IN ('caudal-probe', 'caudal-probe_bad')`,
        );
        await client.end();
        expect(rows).toEqual([{ n: 0 }]);
      }
    } finally {
      await pg.close();
    }
  });
});

import type { Database } from '@caudal/platform';
import { MysqlRelationsStore } from './mysql-relations-store';
import { PostgresRelationsStore } from './postgres-relations-store';
import type { RelationsStore } from './relations-store';

/** The store for a relations database: MySQL / MariaDB in production, PostgreSQL when embedded. */
export function relationsStore(db: Database): RelationsStore {
  return db.kind === 'mysql'
    ? new MysqlRelationsStore(db.dataSource)
    : new PostgresRelationsStore(db.pgPool());
}

import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { Pool } from 'pg';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url';
import { ensureEmbeddedPostgres } from '../embedded/embedded-postgres';

type MigrationClass = new () => unknown;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;

export interface DatabaseSpec {
  /** The role this database plays (source, target, records, ...); also the name of its schema. */
  role: string;
  /** The role's URL from the environment; unset means the embedded default. */
  url: string | undefined;
  entities?: EntityList;
  migrations?: MigrationClass[];
  /** Size of the connection pool (default 10). */
  poolSize?: number;
}

/** An open database for one role: a TypeORM DataSource plus what the platform knows about it. */
export class Database {
  constructor(
    readonly role: string,
    readonly schema: string,
    readonly url: string,
    readonly embedded: boolean,
    readonly dataSource: DataSource,
    /** True when the server is PGlite (embedded default or a test's PGlite): one session behind every connection. */
    readonly pglite: boolean = false,
  ) {}

  get kind(): 'postgres' | 'mysql' {
    return this.dataSource.options.type === 'mysql' ? 'mysql' : 'postgres';
  }

  /** The pg pool under the DataSource, for hot paths (streaming cursors, bulk arrays). Postgres only. */
  pgPool(): Pool {
    if (this.kind !== 'postgres') throw new Error(`${this.role} database is not PostgreSQL`);
    const driver = this.dataSource.driver as unknown as { master?: Pool };
    if (!driver.master) throw new Error(`${this.role} database is not initialized`);
    return driver.master;
  }

  /** Applies pending migrations (creating the role's schema first); returns the names applied. */
  async migrate(): Promise<string[]> {
    if (this.kind === 'postgres') await this.dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  }

  /** Checks that the database answers; used by GET /health. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  describe(): string {
    return this.embedded
      ? `embedded PostgreSQL (${redactDatabaseUrl(this.url)})`
      : redactDatabaseUrl(this.url);
  }
}

function dataSourceOptions(spec: DatabaseSpec, url: string, schema: string): DataSourceOptions {
  const parsed = parseDatabaseUrl(url);
  const common = {
    url,
    entities: spec.entities ?? [],
    migrations: spec.migrations ?? [],
    migrationsTableName: `${schema}_migrations`,
    synchronize: false,
    logging: false,
  } as const;
  if (parsed.kind === 'mysql') {
    return { ...common, type: 'mysql', charset: 'utf8mb4', timezone: 'Z', poolSize: spec.poolSize ?? 10 };
  }
  return {
    ...common,
    type: 'postgres',
    schema,
    poolSize: spec.poolSize ?? 10,
    extra: { application_name: `caudal-${spec.role}` },
  };
}

/**
 * Opens the database of one role. With no URL it connects to the embedded PostgreSQL (starting it
 * in this process if no other process serves it). Every role keeps its tables in a schema named
 * after the role, embedded or not, so there is one code path.
 */
export async function openDatabase(spec: DatabaseSpec): Promise<Database> {
  const schema = spec.role;
  const url = spec.url ?? (await ensureEmbeddedPostgres()).url;
  const dataSource = new DataSource(dataSourceOptions(spec, url, schema));
  await dataSource.initialize();
  let pglite = false;
  if (dataSource.options.type === 'postgres') {
    const [row] = (await dataSource.query('SELECT version() AS version')) as { version: string }[];
    pglite = /PGlite/i.test(row?.version ?? '');
  }
  return new Database(spec.role, schema, url, spec.url === undefined, dataSource, pglite);
}

/** Opens the database of one role and applies its pending migrations (closing it again if they fail). */
export async function openMigratedDatabase(spec: DatabaseSpec): Promise<Database> {
  const database = await openDatabase(spec);
  try {
    await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * Opens and migrates several databases in order; if one fails, those already open are closed
 * before the error is rethrown (so a process that cannot start leaves no pool behind).
 */
export async function openMigratedDatabases<const T extends readonly DatabaseSpec[]>(
  specs: T,
): Promise<{ [K in keyof T]: Database }> {
  const opened: Database[] = [];
  try {
    for (const spec of specs) opened.push(await openMigratedDatabase(spec));
    return opened as { [K in keyof T]: Database };
  } catch (error) {
    for (const database of opened.reverse()) await database.close().catch(() => undefined);
    throw error;
  }
}

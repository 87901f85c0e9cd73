import type { Pool, PoolClient, QueryConfig } from 'pg';
import { contactListClauses, type ContactQuery } from './contact-query';
import {
  BUMP_VERSION,
  COMPANY_ID,
  CONTACT_BY_ID,
  contactListSql,
  DELETE_CONTACT,
  DEPARTMENT_IDS,
  INSERT_COMPANY,
  INSERT_DEPARTMENTS,
  LOCK_VERSION,
  SET_DEPARTMENT_LINKS,
} from './contacts-sql';

/** A contact's writable fields, as the API names them. Text is already trimmed and normalized. */
export interface ContactFields {
  first_name: string;
  last_name: string;
  company_name: string | null;
  address: string | null;
  city: string | null;
  /** Two letters, upper-case. */
  state: string;
  /** Five digits. */
  zip: string | null;
  phone1: string | null;
  phone2: string | null;
  /** Lower-case. */
  email: string;
  departments: string[];
}

export type ContactPatch = Partial<ContactFields>;

/** A stored contact: its version (for ETags) and its JSON representation as PostgreSQL wrote it. */
export interface StoredContact {
  id: number;
  version: number;
  json: string;
}

/** What a write expects the stored version to be: one of these versions, or any existing version ('*'). */
export type ExpectedVersion = readonly number[] | '*';

export class ContactNotFoundError extends Error {
  override name = 'ContactNotFoundError';
  constructor(readonly id: number) {
    super(`no contact with id ${id}`);
  }
}

export class VersionMismatchError extends Error {
  override name = 'VersionMismatchError';
  constructor(
    readonly id: number,
    readonly currentVersion: number,
  ) {
    super(`contact ${id} has changed (it is now at version ${currentVersion}); fetch it again and retry`);
  }
}

export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
  constructor(readonly email: string) {
    super(`a contact with email ${email} already exists`);
  }
}

const UNIQUE_VIOLATION = '23505';
const EMAIL_CONSTRAINT = 'uq_people_email';

/** Columns of records.people a patch may set, in a fixed order. */
const PERSON_COLUMNS = [
  'first_name',
  'last_name',
  'address',
  'city',
  'state',
  'zip',
  'phone1',
  'phone2',
  'email',
] as const;

/**
 * Contacts in the records database: reads answer JSON built by PostgreSQL; every write is one
 * transaction that locks the person, checks the expected version, and bumps it. A write takes its
 * locks in the order a file ingestion takes them (merge-sql.ts): the person, then a new company, then
 * new departments, then the person's row and links, so the two never deadlock.
 */
export class ContactsRepository {
  constructor(
    private readonly pool: Pool,
    /** PGlite serves one session: named prepared statements would collide there. */
    private readonly options: { pglite: boolean } = { pglite: false },
  ) {}

  private named(name: string, text: string, values: unknown[]): QueryConfig {
    return this.options.pglite ? { text, values } : { name, text, values };
  }

  async get(id: number): Promise<StoredContact | undefined> {
    return this.read(this.pool, id);
  }

  /** One page as JSON text: {"items": [...], "total": n, "limit": n, "offset": n}. */
  async list(query: ContactQuery): Promise<string> {
    const { where, orderBy, values } = contactListClauses(query);
    const limit = `$${values.length + 1}`;
    const offset = `$${values.length + 2}`;
    const { rows } = await this.pool.query<{ json: string }>(contactListSql(where, orderBy, limit, offset), [
      ...values,
      query.limit,
      query.offset,
    ]);
    return rows[0]!.json;
  }

  async create(fields: ContactFields): Promise<StoredContact> {
    return this.transaction(async (client) => {
      const companyId = await this.companyId(client, fields.company_name);
      const departmentIds = await this.departmentIds(client, fields.departments);
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO records.people (first_name, last_name, company_id, address, city, state, zip, phone1, phone2, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          fields.first_name,
          fields.last_name,
          companyId,
          fields.address,
          fields.city,
          fields.state,
          fields.zip,
          fields.phone1,
          fields.phone2,
          fields.email,
        ],
      );
      const id = rows[0]!.id;
      await this.linkDepartments(client, id, departmentIds);
      return (await this.read(client, id))!;
    }, fields.email);
  }

  /**
   * Applies the given fields (departments replace the whole set). The version goes up only when
   * something actually changed: a PATCH that restates the stored values keeps every ETag valid.
   */
  async update(id: number, patch: ContactPatch, expected: ExpectedVersion): Promise<StoredContact> {
    return this.transaction(async (client) => {
      await this.lock(client, id, expected);
      const columns: string[] = [];
      const values: unknown[] = [id];
      for (const column of PERSON_COLUMNS) {
        if (patch[column] === undefined) continue;
        values.push(patch[column]);
        columns.push(column);
      }
      if (patch.company_name !== undefined) {
        values.push(await this.companyId(client, patch.company_name));
        columns.push('company_id');
      }
      const departmentIds =
        patch.departments === undefined ? undefined : await this.departmentIds(client, patch.departments);
      let changed = false;
      if (columns.length > 0) {
        const assigned = columns.map((column, i) => `$${i + 2}`);
        const result = await client.query(
          `UPDATE records.people SET (${columns.join(', ')}) = ROW(${assigned.join(', ')})
           WHERE id = $1 AND ROW(${columns.join(', ')}) IS DISTINCT FROM ROW(${assigned.join(', ')})`,
          values,
        );
        changed = (result.rowCount ?? 0) > 0;
      }
      if (departmentIds !== undefined) {
        changed = (await this.linkDepartments(client, id, departmentIds)) || changed;
      }
      if (changed) await client.query(BUMP_VERSION, [id]);
      return (await this.read(client, id))!;
    }, patch.email);
  }

  async delete(id: number, expected: ExpectedVersion): Promise<void> {
    await this.transaction(async (client) => {
      await this.lock(client, id, expected);
      await client.query(DELETE_CONTACT, [id]);
    });
  }

  private async read(client: Pool | PoolClient, id: number): Promise<StoredContact | undefined> {
    const { rows } = await client.query<{ version: number; json: string }>(
      this.named('records_contact_by_id', CONTACT_BY_ID, [id]),
    );
    const row = rows[0];
    return row ? { id, version: row.version, json: row.json } : undefined;
  }

  /** Locks the person's row until the transaction ends, so a concurrent write waits and then sees the new version. */
  private async lock(client: PoolClient, id: number, expected: ExpectedVersion): Promise<void> {
    const { rows } = await client.query<{ version: number }>(LOCK_VERSION, [id]);
    if (rows.length === 0) throw new ContactNotFoundError(id);
    const version = rows[0]!.version;
    if (expected !== '*' && !expected.includes(version)) throw new VersionMismatchError(id, version);
  }

  /** The company of this name (any case; created with this spelling if new), or null. */
  private async companyId(client: PoolClient, name: string | null): Promise<number | null> {
    if (name === null) return null;
    const existing = await client.query<{ id: number }>(COMPANY_ID, [name]);
    if (existing.rows[0]) return existing.rows[0].id;
    await client.query(INSERT_COMPANY, [name]);
    return (await client.query<{ id: number }>(COMPANY_ID, [name])).rows[0]!.id;
  }

  /**
   * Ids of the departments of these names, matched to existing departments without regard to case
   * ("sales" is the stored "Sales"); new names create departments (the first spelling given).
   */
  private async departmentIds(client: PoolClient, names: readonly string[]): Promise<number[]> {
    await client.query(INSERT_DEPARTMENTS, [names]);
    return (await client.query<{ id: number }>(DEPARTMENT_IDS, [names])).rows.map((r) => r.id);
  }

  /** Makes the person's department links exactly these; answers whether a link changed. */
  private async linkDepartments(
    client: PoolClient,
    personId: number,
    departmentIds: number[],
  ): Promise<boolean> {
    const { rows } = await client.query<{ changed: number }>(SET_DEPARTMENT_LINKS, [personId, departmentIds]);
    return rows[0]!.changed > 0;
  }

  private async transaction<T>(body: (client: PoolClient) => Promise<T>, email?: string): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      const { code, constraint } = error as { code?: string; constraint?: string };
      if (code === UNIQUE_VIOLATION && constraint === EMAIL_CONSTRAINT && email !== undefined) {
        throw new DuplicateEmailError(email);
      }
      throw error;
    } finally {
      client.release();
    }
  }
}

import { type Database } from '@caudal/platform';
import { ingestContactsFile, SAMPLE_CONTACTS_CSV, type ContactFields } from '@caudal/records';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createRecordsApp, loadRecordsApiConfig, openRecords, tokenRegistry } from '../src/records-api';

// What the records API's HTTP suites share: tokens, shapes, and an app over a throw-away database
// loaded with Sample.csv (one per suite file), driven over real HTTP.

export const ADMIN = 'admin-token-for-tests-0001';
export const READER = 'reader-token-for-tests-0001';

/** A contact as the API answers it: the writable fields plus what the database assigns. */
export type Contact = ContactFields & { id: number; version: number; created_at: string; updated_at: string };

export interface Page {
  items: Contact[];
  total: number;
  limit: number;
  offset: number;
}

export interface ErrorBody {
  statusCode: number;
  message?: string;
  details?: { field: string; message: string }[];
}

export const NEW_CONTACT = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  company_name: 'Analytical Engines',
  address: '12 St James Sq',
  city: 'London',
  state: 'ny',
  zip: '01234',
  phone1: '555-0100',
  email: 'Ada@Example.com',
  departments: ['Research', 'Sales'],
};

export type Who = 'admin' | 'reader' | 'nobody' | 'stranger';

/** A request body sent exactly as given (not JSON-encoded), e.g. malformed JSON or bytes that are not UTF-8. */
export class RawBody {
  constructor(readonly text: string | Uint8Array) {}
}

/**
 * Registers beforeAll/afterAll that start the records API on a fresh database holding Sample.csv,
 * and returns helpers bound to it (usable once beforeAll has run).
 */
export function useRecordsApi(label: string) {
  let pg: TestPostgres;
  let records: Database;
  let app: NestFastifyApplication;
  let base: string;
  const logLines: string[] = [];

  const authorization = (who: Who): Record<string, string> =>
    who === 'admin'
      ? { authorization: `Bearer ${ADMIN}` }
      : who === 'reader'
        ? { authorization: `Bearer ${READER}` }
        : who === 'stranger'
          ? { authorization: 'Bearer not-a-configured-token-x' }
          : {};
  const call = (
    who: Who,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...authorization(who),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof RawBody ? body.text : JSON.stringify(body),
    });
  const okJson = async <T>(response: Response, status = 200): Promise<T> => {
    const text = await response.text();
    expect({ status: response.status, text }).toMatchObject({ status });
    return JSON.parse(text) as T;
  };
  const list = async (query: string) => okJson<Page>(await call('reader', 'GET', `/v1/contacts?${query}`));
  const sql = async <T>(text: string, values: unknown[] = []) =>
    (await records.pgPool().query(text, values)).rows as T[];
  /** A connection of its own (for a transaction held open across requests); release it after use. */
  const connect = () => records.pgPool().connect();
  const idOf = async (email: string) =>
    (await sql<{ id: number }>('SELECT id FROM records.people WHERE email = $1', [email]))[0]!.id;
  const etagOf = async (id: number) =>
    (await call('reader', 'GET', `/v1/contacts/${id}`)).headers.get('etag')!;

  beforeAll(async () => {
    pg = await createTestPostgres(label);
    records = await openRecords(pg.url);
    await ingestContactsFile(records.pgPool(), SAMPLE_CONTACTS_CSV);
    const config = loadRecordsApiConfig({ RECORDS_ADMIN_TOKENS: ADMIN, RECORDS_READER_TOKENS: READER });
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    app = await createRecordsApp(records, tokenRegistry(config), pino({ level: 'info' }, capture));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await records?.close();
    await pg?.close();
  });

  return { call, okJson, list, sql, connect, idOf, etagOf, logLines };
}

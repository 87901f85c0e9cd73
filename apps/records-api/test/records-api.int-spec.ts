import { type Database } from '@caudal/platform';
import pino from 'pino';
import { Writable } from 'node:stream';
import { ingestContactsFile, SAMPLE_CONTACTS_CSV, type ContactFields } from '@caudal/records';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRecordsApp, loadRecordsApiConfig, openRecords, tokenRegistry } from '../src/records-api';

const ADMIN = 'admin-token-for-tests-0001';
const READER = 'reader-token-for-tests-0001';

/** A contact as the API answers it: the writable fields plus what the database assigns. */
type Contact = ContactFields & { id: number; version: number; created_at: string; updated_at: string };

interface Page {
  items: Contact[];
  total: number;
  limit: number;
  offset: number;
}

interface ErrorBody {
  statusCode: number;
  message?: string;
  details?: { field: string; message: string }[];
}

const NEW_CONTACT = {
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

describe('records API over HTTP (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let records: Database;
  let app: NestFastifyApplication;
  let base: string;
  const logLines: string[] = [];

  type Who = 'admin' | 'reader' | 'nobody' | 'stranger';
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
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const okJson = async <T>(response: Response, status = 200): Promise<T> => {
    const text = await response.text();
    expect({ status: response.status, text }).toMatchObject({ status });
    return JSON.parse(text) as T;
  };
  const list = async (query: string) => okJson<Page>(await call('reader', 'GET', `/v1/contacts?${query}`));
  const sql = async <T>(text: string, values: unknown[] = []) =>
    (await records.pgPool().query(text, values)).rows as T[];
  const idOf = async (email: string) =>
    (await sql<{ id: number }>('SELECT id FROM records.people WHERE email = $1', [email]))[0]!.id;
  const etagOf = async (id: number) =>
    (await call('reader', 'GET', `/v1/contacts/${id}`)).headers.get('etag')!;

  beforeAll(async () => {
    pg = await createTestPostgres('records_api');
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

  describe('auth', () => {
    // Every row has all three columns: jest passes `done` in place of a missing one.
    const routes: [string, string, unknown][] = [
      ['GET', '/v1/contacts', undefined],
      ['GET', '/v1/contacts/1', undefined],
      ['POST', '/v1/contacts', NEW_CONTACT],
      ['PATCH', '/v1/contacts/1', { city: 'Paris' }],
      ['DELETE', '/v1/contacts/1', undefined],
    ];

    it.each(routes)(
      '%s %s without a token or with an unknown one -> 401 with WWW-Authenticate',
      async (m, p, b) => {
        for (const who of ['nobody', 'stranger'] as const) {
          const response = await call(who, m, p, b, { 'if-match': '*' });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe('Bearer realm="records"');
          expect(((await response.json()) as ErrorBody).message).toMatch(/token/);
        }
      },
    );

    it.each(routes.slice(2))('%s %s with a reader token -> 403, nothing changed', async (m, p, b) => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const response = await call('reader', m, p, b, { 'if-match': '*' });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).message).toMatch(/admin token/);
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
    });

    it('accepts a scheme in any case, rejects other schemes and a token in the query', async () => {
      expect(
        (await call('nobody', 'GET', '/v1/contacts/1', undefined, { authorization: `bearer ${READER}` }))
          .status,
      ).toBe(200);
      expect(
        (await call('nobody', 'GET', '/v1/contacts/1', undefined, { authorization: `Basic ${READER}` }))
          .status,
      ).toBe(401);
      expect((await call('nobody', 'GET', `/v1/contacts/1?access_token=${READER}`)).status).toBe(401);
      // Logged with the query's secret redacted; no token appears in any log line.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logLines.join('')).toContain('/v1/contacts/1?access_token=[redacted]');
      for (const token of [ADMIN, READER]) expect(logLines.join('')).not.toContain(token);
    });

    it('serves /health and /docs without a token', async () => {
      expect(await okJson(await call('nobody', 'GET', '/health'))).toMatchObject({ status: 'ok' });
      const docs = await okJson<{
        paths: Record<string, Record<string, { security?: unknown[] }>>;
        components: { securitySchemes?: Record<string, unknown> };
      }>(await call('nobody', 'GET', '/docs/openapi.json'));
      expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/contacts', '/v1/contacts/{id}']));
      // The bearer scheme is declared, and the contact routes require it (Swagger UI's Authorize button).
      expect(docs.components.securitySchemes).toEqual({
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An opaque token from the server configuration',
        },
      });
      expect(docs.paths['/v1/contacts']!['get']!.security).toEqual([{ bearer: [] }]);
      expect((await call('nobody', 'GET', '/docs')).status).toBe(200);
    });
  });

  describe('reading', () => {
    it('GET /v1/contacts/:id answers the stored person with departments and an ETag (reader and admin)', async () => {
      const id = await idOf('jbutt@gmail.com');
      for (const who of ['reader', 'admin'] as const) {
        const response = await call(who, 'GET', `/v1/contacts/${id}`);
        const contact = await okJson<Contact>(response);
        expect(contact).toMatchObject({
          id,
          first_name: 'James',
          last_name: 'Butt',
          company_name: 'Benton, John B Jr',
          city: 'New Orleans',
          state: 'LA',
          zip: '70116',
          email: 'jbutt@gmail.com',
          departments: ['Marketing', 'Sales'],
          version: 1,
        });
        expect(response.headers.get('etag')).toBe(`"${id}.1"`);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      }
      const notModified = await call('reader', 'GET', `/v1/contacts/${id}`, undefined, {
        'if-none-match': `"${id}.1"`,
      });
      expect(notModified.status).toBe(304);
      expect(
        (await call('reader', 'GET', `/v1/contacts/${id}`, undefined, { 'if-none-match': '*' })).status,
      ).toBe(304);
      expect(
        (await call('reader', 'GET', `/v1/contacts/${id}`, undefined, { 'if-none-match': '"x"' })).status,
      ).toBe(200);
    });

    it('tags a list page (weak ETag of its bytes) and answers 304 while it is unchanged', async () => {
      const first = await call('reader', 'GET', '/v1/contacts?state=NJ');
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      const again = await call('reader', 'GET', '/v1/contacts?state=NJ', undefined, {
        'if-none-match': etag,
      });
      expect(again.status).toBe(304);
      expect(
        (await call('reader', 'GET', '/v1/contacts?state=NY', undefined, { 'if-none-match': etag })).status,
      ).toBe(200);
    });

    it('restores zip leading zeros (NJ 8014 -> 08014)', async () => {
      const page = await list('city=Bridgeport&state=NJ');
      expect(page.items.map((c) => c.zip)).toEqual(['08014']);
    });

    it('GET /v1/contacts pages with limit/offset and the total, in id order by default', async () => {
      const first = await list('limit=30');
      const second = await list('limit=30&offset=90');
      expect(first).toMatchObject({ total: 100, limit: 30, offset: 0 });
      expect(first.items).toHaveLength(30);
      expect(second.items).toHaveLength(10);
      const ids = (await sql<{ id: number }>('SELECT id FROM records.people ORDER BY id')).map((r) => r.id);
      expect(first.items.map((c) => c.id)).toEqual(ids.slice(0, 30));
      expect(second.items.map((c) => c.id)).toEqual(ids.slice(90));
      expect((await list('offset=500')).items).toEqual([]);
      expect((await list('offset=500')).total).toBe(100);
    });

    it('filters by state, city, company, department and free text, each equal to the same filter in SQL', async () => {
      const ids = async (query: string) => (await list(`${query}&limit=1000`)).items.map((c) => c.id);
      const expectSql = async (where: string, values: unknown[]) =>
        (
          await sql<{ id: number }>(
            `SELECT p.id FROM records.people p LEFT JOIN records.companies c ON c.id = p.company_id
             WHERE ${where} ORDER BY p.id`,
            values,
          )
        ).map((r) => r.id);

      const nj = await ids('state=nj');
      expect(nj.length).toBeGreaterThan(1);
      expect(nj).toEqual(await expectSql(`p.state = 'NJ'`, []));
      expect(await ids('city=new orleans')).toEqual(await expectSql(`p.city = 'New Orleans'`, []));
      expect(await ids('company=BENTON,%20JOHN%20B%20JR')).toEqual([await idOf('jbutt@gmail.com')]);
      const sales = await ids('department=sales');
      expect(sales).toEqual(
        await expectSql(
          `EXISTS (SELECT 1 FROM records.person_departments pd JOIN records.departments d ON d.id = pd.department_id
                   WHERE pd.person_id = p.id AND d.name = 'Sales')`,
          [],
        ),
      );
      expect(await ids('q=BUTT')).toEqual([await idOf('jbutt@gmail.com')]);
      expect(await ids('q=james%20butt')).toEqual([await idOf('jbutt@gmail.com')]);
      expect(await ids('q=%25')).toEqual([]); // wildcards are matched literally
      const combined = await ids('state=NJ&department=Sales');
      expect(combined).toEqual(nj.filter((id) => sales.includes(id)));
      expect((await list('state=NJ&department=Sales')).total).toBe(combined.length);
    });

    it('sorts by any listed field, descending with -, ties broken by id', async () => {
      const page = await list('sort=-state,last_name&limit=1000');
      const expected = await sql<{ id: number }>(
        'SELECT id FROM records.people ORDER BY state DESC, last_name ASC, id ASC',
      );
      expect(page.items.map((c) => c.id)).toEqual(expected.map((r) => r.id));
    });

    it('answers 422 naming each bad parameter, and 404 for an unknown id', async () => {
      const response = await call(
        'reader',
        'GET',
        '/v1/contacts?state=Cal&limit=0&sort=shoe_size&colour=red',
      );
      expect(response.status).toBe(422);
      const fields = ((await response.json()) as ErrorBody).details!.map((d) => d.field).sort();
      expect(fields).toEqual(['colour', 'limit', 'sort', 'state']);
      for (const offset of ['3000000000', '1e20', '-1']) {
        const response = await call('reader', 'GET', `/v1/contacts?offset=${offset}`);
        expect(response.status).toBe(422);
        expect(((await response.json()) as ErrorBody).details!.map((d) => d.field)).toEqual(['offset']);
      }
      expect((await call('reader', 'GET', '/v1/contacts/abc')).status).toBe(422);
      expect((await call('reader', 'GET', '/v1/contacts/999999')).status).toBe(404);
      expect((await call('reader', 'GET', '/v1/contacts/99999999999999')).status).toBe(404);
    });
  });

  describe('writing (admin)', () => {
    it('POST creates a contact with its departments: 201, Location, ETag, normalized state and email', async () => {
      const response = await call('admin', 'POST', '/v1/contacts', NEW_CONTACT);
      const created = await okJson<Contact>(response, 201);
      expect(created).toMatchObject({
        state: 'NY',
        email: 'ada@example.com',
        zip: '01234',
        departments: ['Research', 'Sales'],
        version: 1,
        phone2: null,
      });
      expect(created.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(Date.parse(created.created_at) - Date.now())).toBeLessThan(60_000);
      expect(response.headers.get('location')).toBe(`/v1/contacts/${created.id}`);
      expect(response.headers.get('etag')).toBe(`"${created.id}.1"`);
      const links = await sql<{ name: string }>(
        `SELECT d.name FROM records.person_departments pd JOIN records.departments d ON d.id = pd.department_id
         WHERE pd.person_id = $1 ORDER BY d.name`,
        [created.id],
      );
      expect(links.map((l) => l.name)).toEqual(['Research', 'Sales']);
      expect(await okJson(await call('reader', 'GET', `/v1/contacts/${created.id}`))).toEqual(created);
    });

    it('POST answers 422 naming each bad field and writes nothing', async () => {
      const before = await sql('SELECT count(*) AS n FROM records.people');
      const response = await call('admin', 'POST', '/v1/contacts', {
        ...NEW_CONTACT,
        email: 'not-an-email',
        state: 'Cal',
        zip: '8014',
        nickname: 'Ada',
        last_name: '  ',
      });
      expect(response.status).toBe(422);
      const details = ((await response.json()) as ErrorBody).details!;
      expect(details.map((d) => d.field).sort()).toEqual(['email', 'last_name', 'nickname', 'state', 'zip']);
      expect(details.find((d) => d.field === 'state')!.message).toMatch(/2 letters/);
      for (const state of ['L1', 'ny ', 'N', 'NYC', '']) {
        const bad = await call('admin', 'POST', '/v1/contacts', { ...NEW_CONTACT, email: 'x@y.org', state });
        expect(bad.status).toBe(422);
      }
      const missing = await call('admin', 'POST', '/v1/contacts', { first_name: 'Only' });
      expect(((await missing.json()) as ErrorBody).details!.map((d) => d.field).sort()).toEqual([
        'departments',
        'email',
        'last_name',
        'state',
      ]);
      expect(await sql('SELECT count(*) AS n FROM records.people')).toEqual(before);
    });

    it('POST with an email already used (any case) -> 409, nothing written', async () => {
      const before = await sql('SELECT count(*) AS n FROM records.people');
      const response = await call('admin', 'POST', '/v1/contacts', {
        ...NEW_CONTACT,
        email: 'JBUTT@gmail.com',
      });
      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).message).toMatch(/jbutt@gmail.com already exists/);
      expect(await sql('SELECT count(*) AS n FROM records.people')).toEqual(before);
    });

    it('PATCH with the current ETag changes the fields given, replaces departments, bumps version and ETag', async () => {
      const id = await idOf('josephine_darakjy@darakjy.org');
      const etag = await etagOf(id);
      const response = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { city: 'Detroit', state: 'mi', company_name: null, departments: ['Legal'] },
        { 'if-match': etag },
      );
      const changed = await okJson<Contact>(response);
      expect(changed).toMatchObject({
        first_name: 'Josephine',
        city: 'Detroit',
        state: 'MI',
        company_name: null,
        departments: ['Legal'],
        version: 2,
      });
      expect(response.headers.get('etag')).toBe(`"${id}.2"`);
      const [row] = await sql<{ city: string; company_id: number | null; version: number }>(
        'SELECT city, company_id, version FROM records.people WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ city: 'Detroit', company_id: null, version: 2 });
    });

    it('PATCH/DELETE: 428 without If-Match, 412 with a stale ETag, 404 for an unknown id, nothing changed', async () => {
      const id = await idOf('art@venere.org');
      const before = await sql('SELECT * FROM records.people WHERE id = $1', [id]);
      expect((await call('admin', 'PATCH', `/v1/contacts/${id}`, { city: 'X' })).status).toBe(428);
      expect((await call('admin', 'DELETE', `/v1/contacts/${id}`)).status).toBe(428);
      for (const stale of [`"${id}.7"`, `W/"${id}.1"`, `"1${id}.1"`]) {
        expect(
          (await call('admin', 'PATCH', `/v1/contacts/${id}`, { city: 'X' }, { 'if-match': stale })).status,
        ).toBe(412);
        expect(
          (await call('admin', 'DELETE', `/v1/contacts/${id}`, undefined, { 'if-match': stale })).status,
        ).toBe(412);
      }
      expect(
        (await call('admin', 'PATCH', `/v1/contacts/${id}`, { city: 'X' }, { 'if-match': 'nonsense' }))
          .status,
      ).toBe(400);
      expect(await sql('SELECT * FROM records.people WHERE id = $1', [id])).toEqual(before);
      expect(
        (await call('admin', 'PATCH', '/v1/contacts/999999', { city: 'X' }, { 'if-match': '*' })).status,
      ).toBe(404);
      expect(
        (await call('admin', 'DELETE', '/v1/contacts/999999', undefined, { 'if-match': '*' })).status,
      ).toBe(404);
    });

    it('PATCH: 422 per bad field (null for a required field too), 409 for another contact email', async () => {
      const id = await idOf('art@venere.org');
      const etag = await etagOf(id);
      const bad = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { state: 'New Jersey', email: 'art at venere', first_name: null, departments: [], id: 5 },
        { 'if-match': etag },
      );
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as ErrorBody).details!.map((d) => d.field).sort()).toEqual([
        'departments',
        'email',
        'first_name',
        'id',
        'state',
      ]);
      const duplicate = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { email: 'jbutt@gmail.com' },
        { 'if-match': etag },
      );
      expect(duplicate.status).toBe(409);
      expect(await etagOf(id)).toBe(etag);
    });

    it('PATCH that changes nothing keeps the version (and every ETag); department names match any case', async () => {
      const id = await idOf('kris@gmail.com');
      const etag = await etagOf(id);
      const [stored] = await sql<{ city: string }>('SELECT city FROM records.people WHERE id = $1', [id]);
      for (const body of [{}, { city: stored!.city }]) {
        const same = await call('admin', 'PATCH', `/v1/contacts/${id}`, body, { 'if-match': etag });
        expect(same.status).toBe(200);
        expect(same.headers.get('etag')).toBe(etag);
      }
      const departments = await sql<{ n: number }>('SELECT count(*)::int AS n FROM records.departments');
      const relinked = await okJson<Contact>(
        await call(
          'admin',
          'PATCH',
          `/v1/contacts/${id}`,
          { departments: ['sales', 'SALES', 'Marketing'] },
          { 'if-match': etag },
        ),
      );
      expect(relinked.departments).toEqual(['Marketing', 'Sales']);
      expect(await sql('SELECT count(*)::int AS n FROM records.departments')).toEqual(departments);
    });

    it('concurrent writes naming the same departments in different orders neither wait on each other nor deadlock', async () => {
      const emails = (
        await sql<{ email: string }>('SELECT email FROM records.people ORDER BY id LIMIT 12')
      ).map((r) => r.email);
      const orders = [
        ['Sales', 'Marketing', 'Finances', 'New Dept A'],
        ['New Dept A', 'Finances', 'Marketing', 'Sales'],
      ];
      const responses = await Promise.all(
        emails.map(async (email, i) => {
          const id = await idOf(email);
          return call(
            'admin',
            'PATCH',
            `/v1/contacts/${id}`,
            { departments: orders[i % 2] },
            { 'if-match': '*' },
          );
        }),
      );
      expect(responses.map((r) => r.status)).toEqual(emails.map(() => 200));
      expect(
        await sql(`SELECT count(*)::int AS n FROM records.departments WHERE lower(name) = 'new dept a'`),
      ).toEqual([{ n: 1 }]);
    });

    it('two concurrent PATCHes with the same ETag: one wins, the other gets 412', async () => {
      const id = await idOf('lpaprocki@hotmail.com');
      const etag = await etagOf(id);
      const responses = await Promise.all(
        ['Alpha', 'Beta'].map((city) =>
          call('admin', 'PATCH', `/v1/contacts/${id}`, { city }, { 'if-match': etag }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 412]);
      const winner = (await responses.find((r) => r.status === 200)!.json()) as Contact;
      const [row] = await sql<{ city: string; version: number }>(
        'SELECT city, version FROM records.people WHERE id = $1',
        [id],
      );
      expect(row).toEqual({ city: winner.city, version: 2 });
    });

    it('DELETE with the current ETag removes the contact and its department links: 204, then 404', async () => {
      const id = await idOf('sage_wieser@cox.net');
      const response = await call('admin', 'DELETE', `/v1/contacts/${id}`, undefined, {
        'if-match': await etagOf(id),
      });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect((await call('reader', 'GET', `/v1/contacts/${id}`)).status).toBe(404);
      expect(await sql('SELECT * FROM records.person_departments WHERE person_id = $1', [id])).toEqual([]);
    });
  });

  describe('configuration', () => {
    it('refuses to start without tokens, with short tokens, or with a token in both lists (never echoing it)', () => {
      expect.assertions(4);
      expect(() => loadRecordsApiConfig({})).toThrow(/RECORDS_ADMIN_TOKENS.*no tokens configured/s);
      expect(() => loadRecordsApiConfig({ RECORDS_READER_TOKENS: 'short' })).toThrow(/at least 16/);
      expect(() =>
        loadRecordsApiConfig({ RECORDS_ADMIN_TOKENS: ADMIN, RECORDS_READER_TOKENS: `${READER},${ADMIN}` }),
      ).toThrow(/both an admin and a reader/);
      try {
        loadRecordsApiConfig({ RECORDS_READER_TOKENS: 'short-secret' });
      } catch (error) {
        expect((error as Error).message).not.toContain('short-secret');
      }
    });
  });
});

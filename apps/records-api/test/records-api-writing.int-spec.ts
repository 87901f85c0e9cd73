import { NEW_CONTACT, type Contact, type ErrorBody, useRecordsApi } from './records-api-harness';

describe('records API over HTTP: writing (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const { call, okJson, sql, connect, idOf, etagOf } = useRecordsApi('records_api_writing');

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
      for (const email of ['a@..b', 'a@b..c', 'a@b.']) {
        const bad = await call('admin', 'POST', '/v1/contacts', { ...NEW_CONTACT, email });
        expect(((await bad.json()) as ErrorBody).details).toEqual([
          { field: 'email', message: 'email must be a valid email address' },
        ]);
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

    it('PATCH/DELETE: 422 for an id that is not plain decimal digits, 404 naming an id beyond the id column, nothing changed', async () => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const cases = [
        ...['1.0', '1e0', '0x1', '0', '-1', 'abc'].map((id) => ({
          id,
          status: 422,
          body: { details: [{ field: 'id', message: 'id must be a positive integer' }] },
        })),
        ...['2147483648', '99999999999', '123456789012345678901'].map((id) => ({
          id,
          status: 404,
          body: { message: `no contact with id ${id}` },
        })),
      ];
      for (const { id, status, body: expected } of cases) {
        for (const [method, body] of [
          ['PATCH', { city: 'X' }],
          ['DELETE', undefined],
        ] as const) {
          const response = await call('admin', method, `/v1/contacts/${id}`, body, { 'if-match': '*' });
          expect({ method, id, status: response.status, body: await response.json() }).toMatchObject({
            method,
            id,
            status,
            body: expected,
          });
        }
      }
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
    });

    it('If-Match is an RFC 9110 list: a tag may hold a comma, and any listed strong tag may match', async () => {
      const id = await idOf('art@venere.org');
      const etag = await etagOf(id);
      const response = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { phone2: '203-000-0000' },
        { 'if-match': `"other,tag", W/"${id}.99", ${etag}` },
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).not.toBe(etag);
      const stale = await call('admin', 'DELETE', `/v1/contacts/${id}`, undefined, {
        'if-match': `"a,b", ${etag}`,
      });
      expect(stale.status).toBe(412);
      // If-None-Match takes the same lists.
      const current = response.headers.get('etag')!;
      const notModified = await call('reader', 'GET', `/v1/contacts/${id}`, undefined, {
        'if-none-match': `"x,y", ${current}`,
      });
      expect(notModified.status).toBe(304);
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

    it('company and department names match in any case: the first spelling stored stays, even one not yet committed', async () => {
      const id = await idOf('kris@gmail.com');
      const etag = await etagOf(id);
      const [stored] = await sql<{ company_name: string; version: number }>(
        `SELECT c.name AS company_name, p.version FROM records.people p JOIN records.companies c ON c.id = p.company_id
         WHERE p.id = $1`,
        [id],
      );
      // Restating the company in another case changes nothing: same spelling, same version.
      const same = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { company_name: stored!.company_name.toUpperCase() },
        { 'if-match': etag },
      );
      expect(await okJson(same)).toMatchObject({
        company_name: stored!.company_name,
        version: stored!.version,
      });
      expect(same.headers.get('etag')).toBe(etag);

      // Another writer is creating "Race Co" and "Race Dept" and has not committed yet: a PATCH naming
      // them in another case waits for it and then uses its rows (it never creates a second spelling).
      const writer = await connect();
      let patch: Promise<Response> | undefined;
      try {
        await writer.query('BEGIN');
        await writer.query(`INSERT INTO records.companies (name) VALUES ('Race Co')`);
        await writer.query(`INSERT INTO records.departments (name) VALUES ('Race Dept')`);
        patch = call(
          'admin',
          'PATCH',
          `/v1/contacts/${id}`,
          { company_name: 'RACE CO', departments: ['race dept', 'Sales'] },
          { 'if-match': etag },
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        await writer.query('COMMIT');
      } finally {
        await writer.query('ROLLBACK').catch(() => undefined);
        writer.release();
      }
      expect(await okJson(await patch)).toMatchObject({
        company_name: 'Race Co',
        departments: ['Race Dept', 'Sales'],
        version: stored!.version + 1,
      });
      expect(
        await sql(`SELECT
          (SELECT count(*)::int FROM records.companies WHERE lower(name) = 'race co') AS companies,
          (SELECT count(*)::int FROM records.departments WHERE lower(name) = 'race dept') AS departments`),
      ).toEqual([{ companies: 1, departments: 1 }]);
    });

    it('sorts names by the Unicode collation, the same on every database: case and accents do not scatter them', async () => {
      const names = ['Zed', 'abbott', 'Évora', 'de la Cruz', 'Butt'];
      for (const [i, last_name] of names.entries()) {
        const body = {
          ...NEW_CONTACT,
          last_name,
          company_name: 'Collation Co',
          email: `sort${i}@collation.test`,
        };
        expect((await call('admin', 'POST', '/v1/contacts', body)).status).toBe(201);
      }
      const page = await okJson<{ items: Contact[] }>(
        await call('reader', 'GET', '/v1/contacts?company=Collation%20Co&sort=last_name'),
      );
      expect(page.items.map((c) => c.last_name)).toEqual(['abbott', 'Butt', 'de la Cruz', 'Évora', 'Zed']);
      const descending = await okJson<{ items: Contact[] }>(
        await call('reader', 'GET', '/v1/contacts?company=Collation%20Co&sort=-last_name'),
      );
      expect(descending.items.map((c) => c.last_name)).toEqual([
        'Zed',
        'Évora',
        'de la Cruz',
        'Butt',
        'abbott',
      ]);
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
});

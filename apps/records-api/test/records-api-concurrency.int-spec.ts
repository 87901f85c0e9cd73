import { type Contact, useRecordsApi } from './records-api-harness';

// Admin writes racing each other on the same people and departments: no deadlock, no lost update.
describe('records API over HTTP: concurrent writes (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const { call, sql, idOf, etagOf } = useRecordsApi('records_api_concurrency');

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
});

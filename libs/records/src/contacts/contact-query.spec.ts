import { contactListClauses, parseContactSort } from './contact-query';

describe('contact list query', () => {
  it('parses sort lists and names unknown fields', () => {
    expect(parseContactSort('last_name,-created_at')).toEqual([
      { field: 'last_name', descending: false },
      { field: 'created_at', descending: true },
    ]);
    expect(parseContactSort(undefined)).toEqual([]);
    expect(parseContactSort('city,-shoe,toString')).toEqual({ unknown: ['-shoe', 'toString'] });
  });

  it('builds parameterized filters (values never inlined) with a stable order', () => {
    const clauses = contactListClauses({
      state: 'nj',
      city: "O'Fallon",
      q: '50%_off',
      sort: [{ field: 'state', descending: true }],
      limit: 10,
      offset: 0,
    });
    expect(clauses.values).toEqual(['NJ', "O'Fallon", '%50\\%\\_off%']);
    expect(clauses.where).not.toContain("O'Fallon");
    expect(clauses.orderBy).toBe('p.state DESC, p.id ASC');
    expect(contactListClauses({ sort: [], limit: 1, offset: 0 })).toEqual({
      where: 'true',
      orderBy: 'p.id ASC',
      values: [],
    });
  });
});

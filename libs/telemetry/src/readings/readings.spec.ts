import { ReadingsFormatter, type ReadingRow } from './readings-format';
import {
  decodeCursor,
  encodeCursor,
  negotiateFormat,
  orderVariables,
  splitVariables,
} from './readings-query';
import { parseIsoTimestamp } from './timestamp';

describe('parseIsoTimestamp', () => {
  it.each([
    ['2024-10-01', '2024-10-01T00:00:00.000Z'],
    ['2024-10-01T06:30', '2024-10-01T06:30:00.000Z'],
    ['2024-10-01T06:30:15', '2024-10-01T06:30:15.000Z'],
    ['2024-10-01 06:30:15.5', '2024-10-01T06:30:15.500Z'],
    ['2024-10-01T06:30:15.123456Z', '2024-10-01T06:30:15.123Z'],
    ['2024-10-01T06:30:00+02:00', '2024-10-01T04:30:00.000Z'],
    ['2024-10-01T06:30:00-0330', '2024-10-01T10:00:00.000Z'],
    ['2024-10-01T06:30:00+05', '2024-10-01T01:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    // Years 0001-0099 are those years (Date.UTC would read them as 1900-1999).
    ['0024-10-01', '0024-10-01T00:00:00.000Z'],
    ['0099-12-31T23:59:59.999Z', '0099-12-31T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0004-02-29', '0004-02-29T00:00:00.000Z'], // a leap year (1904 too, but 0100 and 1900 are not)
    ['0024-02-29', '0024-02-29T00:00:00.000Z'],
    ['0100-03-01T12:00-02:00', '0100-03-01T14:00:00.000Z'],
    ['0999-06-15', '0999-06-15T00:00:00.000Z'],
    ['0001-01-01T00:30-01:00', '0001-01-01T01:30:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s (no offset means UTC)', (text, iso) => {
    expect(parseIsoTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2024-13-01',
    '2023-02-29',
    '2024-04-31',
    '2024-10-01T24:00',
    '2024-10-01T10:60',
    '2024-10-01T10:00:61',
    '2024-10-01T10:00+25:00',
    '2024/10/01',
    '1727740800',
    '2024-10-01Z',
    '0001-02-29', // not a leap year (1901 is not one either, but 0100 and 1900 differ from 0000)
    '0100-02-29',
    '+002024-10-01',
    '-0001-10-01',
    '２０２４-10-01',
    // Instants outside the UTC years 0001-9999 (PostgreSQL has no year 0000).
    '0000-01-01T00:00:00Z',
    '0000-02-29',
    '0001-01-01T00:00+01:00',
    '9999-12-31T23:30-01:00',
  ])('rejects %p', (text) => {
    expect(parseIsoTimestamp(text)).toBeUndefined();
  });
});

describe('variables', () => {
  it('splits comma lists and repeated parameters, trimming blanks', () => {
    expect(splitVariables('wind_speed, power')).toEqual(['wind_speed', 'power']);
    expect(splitVariables(['power', 'wind_speed,ambient_temperature'])).toEqual([
      'power',
      'wind_speed',
      'ambient_temperature',
    ]);
    expect(splitVariables(',')).toEqual([]);
    expect(splitVariables(undefined)).toEqual(['wind_speed', 'power', 'ambient_temperature']);
  });

  it('orders known variables canonically without duplicates', () => {
    expect(orderVariables(['power', 'wind_speed', 'power'])).toEqual(['wind_speed', 'power']);
  });
});

describe('negotiateFormat', () => {
  it('prefers the explicit format, then Accept, then JSON', () => {
    expect(negotiateFormat('csv', 'application/x-ndjson')).toBe('csv');
    expect(negotiateFormat(undefined, 'application/x-ndjson')).toBe('ndjson');
    expect(negotiateFormat(undefined, 'text/csv;q=0.9')).toBe('csv');
    expect(negotiateFormat(undefined, '*/*')).toBe('json');
    expect(negotiateFormat(undefined, undefined)).toBe('json');
  });

  it.each([
    // q=0 refuses a type, wherever it is listed.
    ['text/csv;q=0, application/json', 'json'],
    ['application/json, text/csv;q=0', 'json'],
    ['text/csv;q=0', 'json'], // nothing acceptable: JSON, as for an unsupported type
    ['application/x-ndjson;q=0.0, text/csv;q=0.001', 'csv'],
    // The highest weight wins, wherever it is listed.
    ['text/csv;q=0.5, application/x-ndjson;q=0.8', 'ndjson'],
    ['application/json;q=0.1, text/*', 'csv'],
    ['text/csv;q=0.9, application/ndjson', 'ndjson'],
    // A type takes the weight of the most specific range covering it.
    ['*/*;q=0.5, text/csv;q=0', 'json'],
    ['application/*;q=0, text/csv;q=0.1', 'csv'],
    ['text/csv;q=0, text/*', 'json'],
    ['application/json;q=0, */*', 'ndjson'],
    // Equal weights: the more specific range, then the one listed first, then JSON first.
    ['*/*, text/csv', 'csv'],
    ['text/csv, application/json', 'csv'],
    ['application/json, text/csv', 'json'],
    ['application/*', 'json'],
    // Case, spacing and parameters; q is case-insensitive and other parameters are not compared.
    ['TEXT/CSV ; Q=1 , application/json;q=0.5', 'csv'],
    ['text/csv;charset=utf-8;q=0.7, application/json;q=0.6', 'csv'],
    ['text/csv;foo="a,b;q=1";q=0.2, application/json;q=0.3', 'json'],
    // Malformed elements are left out; unsupported types fall back to JSON.
    ['text/csv;q=2, application/x-ndjson;q=0.5', 'ndjson'],
    ['text/csv;q=abc', 'json'],
    ['*/csv, text/csv;q=0.1', 'csv'],
    ['text/html, application/xml', 'json'],
    [', ,text/csv,', 'csv'],
    ['', 'json'],
  ])('Accept %p -> %s', (accept, format) => {
    expect(negotiateFormat(undefined, accept)).toBe(format);
  });

  it('lets an explicit format win over any Accept header', () => {
    expect(negotiateFormat('csv', 'text/csv;q=0')).toBe('csv');
    expect(negotiateFormat('json', 'text/csv')).toBe('json');
  });
});

describe('cursor', () => {
  it('round-trips a timestamp', () => {
    const at = new Date('2024-10-01T23:59:00.000Z');
    const cursor = encodeCursor(at);
    expect(cursor).toMatch(/^r1\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(at);
  });

  it.each(['', 'abc', 'r1.', 'r1.!!!', `r1.${Buffer.from('12a').toString('base64url')}`, 'r2.MTIz'])(
    'rejects %p',
    (cursor) => {
      expect(decodeCursor(cursor)).toBeUndefined();
    },
  );
});

describe('ReadingsFormatter', () => {
  const rows: ReadingRow[] = [
    ['2024-10-01T00:00:00.000Z', '4.5', '100'],
    ['2024-10-01T00:01:00.000Z', null, '0.25'],
    ['2024-10-01T00:02:00.000Z', 'NaN', '1e-05'],
  ];
  const formatter = new ReadingsFormatter(['wind_speed', 'power']);

  it('writes a JSON page that parses to the documented shape', () => {
    const range = {
      start: new Date(Date.UTC(2024, 9, 1)),
      end: new Date(Date.UTC(2024, 9, 2)),
      variables: formatter.variables.slice(),
    };
    expect(JSON.parse(formatter.jsonPage(range, rows, 'r1.x'))).toEqual({
      start: '2024-10-01T00:00:00.000Z',
      end: '2024-10-02T00:00:00.000Z',
      variables: ['wind_speed', 'power'],
      items: [
        { timestamp: '2024-10-01T00:00:00.000Z', wind_speed: 4.5, power: 100 },
        { timestamp: '2024-10-01T00:01:00.000Z', wind_speed: null, power: 0.25 },
        { timestamp: '2024-10-01T00:02:00.000Z', wind_speed: null, power: 0.00001 },
      ],
      next_cursor: 'r1.x',
    });
  });

  it('writes NDJSON lines and CSV with a header, nulls empty', () => {
    expect(
      formatter
        .ndjsonLines(rows)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { timestamp: '2024-10-01T00:00:00.000Z', wind_speed: 4.5, power: 100 },
      { timestamp: '2024-10-01T00:01:00.000Z', wind_speed: null, power: 0.25 },
      { timestamp: '2024-10-01T00:02:00.000Z', wind_speed: null, power: 0.00001 },
    ]);
    expect(formatter.csvHeader() + formatter.csvLines(rows)).toBe(
      'timestamp,wind_speed,power\n2024-10-01T00:00:00.000Z,4.5,100\n2024-10-01T00:01:00.000Z,,0.25\n' +
        '2024-10-01T00:02:00.000Z,,1e-05\n',
    );
  });
});

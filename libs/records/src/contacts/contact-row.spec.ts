import { checkContactRow, headerProblem, normalizeZip } from './contact-row';

const good = [
  'Art',
  'Venere',
  'Chemel, James L Cpa',
  '8 W Cerritos Ave #54',
  'Bridgeport',
  'NJ',
  '8014',
  '856-636-8749',
  '856-264-4130',
  'Art@Venere.org',
  'Purchasing',
];
const withColumn = (index: number, value: string) => good.map((v, i) => (i === index ? value : v));

describe('contact rows', () => {
  it('accepts a good row, restoring the zip and normalizing state and email case', () => {
    expect(checkContactRow(good)).toEqual({
      ok: true,
      row: {
        firstName: 'Art',
        lastName: 'Venere',
        companyName: 'Chemel, James L Cpa',
        address: '8 W Cerritos Ave #54',
        city: 'Bridgeport',
        state: 'NJ',
        zip: '08014',
        phone1: '856-636-8749',
        phone2: '856-264-4130',
        email: 'art@venere.org',
        department: 'Purchasing',
      },
    });
    expect(checkContactRow(withColumn(5, 'nj'))).toMatchObject({ ok: true, row: { state: 'NJ' } });
    expect(checkContactRow(withColumn(8, ''))).toMatchObject({ ok: true, row: { phone2: null } });
  });

  it.each([
    ['L1', 'state must be exactly 2 letters, got "L1"'],
    ['Cal', 'state must be exactly 2 letters, got "Cal"'],
    ['ny ', 'state must be exactly 2 letters, got "ny "'],
  ])('rejects the state %p', (state, reason) => {
    expect(checkContactRow(withColumn(5, state))).toEqual({ ok: false, reasons: [reason] });
  });

  it('gives every reason at once', () => {
    const row = withColumn(0, ' ');
    row[9] = 'not-an-email';
    row[6] = '1234567';
    expect(checkContactRow(row)).toEqual({
      ok: false,
      reasons: [
        'first_name is required',
        'email is malformed: "not-an-email"',
        'zip must be up to 5 digits, got "1234567"',
      ],
    });
  });

  it('rejects a wrong column count', () => {
    expect(checkContactRow(good.slice(0, 9))).toEqual({
      ok: false,
      reasons: ['expected 11 columns, found 9'],
    });
  });

  it('checks the header and zips', () => {
    expect(
      headerProblem([
        'first_name',
        'last_name',
        'company_name',
        'address',
        'city',
        'state',
        'zip',
        'phone1',
        'phone2',
        'email',
        ' Department ',
      ]),
    ).toBeUndefined();
    expect(headerProblem(['name', 'email'])).toMatch(/^header must be exactly/);
    expect(normalizeZip('501')).toBe('00501');
    expect(normalizeZip('12345-6789')).toBeUndefined();
  });

  it('rejects a row holding a NUL character, naming the field', () => {
    expect(checkContactRow(withColumn(3, '8 W\u0000Cerritos'))).toEqual({
      ok: false,
      reasons: ['address contains a NUL character'],
    });
  });
});

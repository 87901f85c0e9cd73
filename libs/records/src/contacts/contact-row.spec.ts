import { readFileSync } from 'node:fs';
import {
  checkContactRow,
  CONTACT_FIELD_MAX_LENGTH,
  EMAIL_PATTERN,
  emailsOfRejectedRow,
  emailsOfUnparsedRow,
  headerProblem,
  normalizeZip,
} from './contact-row';
import { SAMPLE_CONTACTS_CSV } from './sample';

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

  it('takes an email with a non-empty local part and a domain of non-empty labels (one dot at least)', () => {
    for (const email of ['a@b.co', 'first.last+tag@mail.example.org', 'x_y@sub-1.example.museum']) {
      expect([email, EMAIL_PATTERN.test(email)]).toEqual([email, true]);
    }
    for (const email of [
      'a@..b',
      'a@b..c',
      'a@.b.c',
      'a@b.c.',
      'a@b',
      '@b.c',
      'a@b@c.d',
      'a b@c.d',
      'a@b.c;d',
    ]) {
      expect([email, EMAIL_PATTERN.test(email)]).toEqual([email, false]);
    }
    expect(checkContactRow(withColumn(9, 'art@..org'))).toEqual({
      ok: false,
      reasons: ['email is malformed: "art@..org"'],
    });
    // Every email of Sample.csv still passes.
    const emails = readFileSync(SAMPLE_CONTACTS_CSV, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').at(-2)!);
    expect(emails).toHaveLength(106);
    expect(emails.filter((email) => !EMAIL_PATTERN.test(email))).toEqual([]);
  });

  it('rejects a row holding a NUL character, naming the field', () => {
    expect(checkContactRow(withColumn(3, '8 W\u0000Cerritos'))).toEqual({
      ok: false,
      reasons: ['address contains a NUL character'],
    });
  });

  it('rejects a field over 200 characters (code points, trimmed), naming the field and the limit', () => {
    expect(CONTACT_FIELD_MAX_LENGTH).toBe(200);
    expect(checkContactRow(withColumn(4, 'c'.repeat(3500)))).toEqual({
      ok: false,
      reasons: ['city must be at most 200 characters, found 3500'],
    });
    // 200 characters pass, spaces around them and an astral character (two UTF-16 units) too.
    expect(checkContactRow(withColumn(4, ` ${'c'.repeat(199)}\u{1F600} `))).toMatchObject({ ok: true });
    // An over-long email or state gets the length reason alone, not its whole value quoted back.
    expect(checkContactRow(withColumn(9, `${'a'.repeat(300)}@b.co`))).toEqual({
      ok: false,
      reasons: ['email must be at most 200 characters, found 305'],
    });
    expect(checkContactRow(withColumn(5, 'N'.repeat(201)))).toEqual({
      ok: false,
      reasons: ['state must be at most 200 characters, found 201'],
    });
  });

  it('names the emails of a rejected row: its email field, or any email-like field when the columns are off', () => {
    expect(emailsOfRejectedRow(withColumn(9, ' Art@Venere.org '))).toEqual(['art@venere.org']);
    expect(emailsOfRejectedRow(withColumn(9, 'not-an-email'))).toEqual([]);
    expect(emailsOfRejectedRow(withColumn(9, ''))).toEqual([]);
    expect(emailsOfRejectedRow(withColumn(9, 'a\u0000@b.co'))).toEqual([]);
    expect(emailsOfRejectedRow([...good.slice(0, 4), 'Apt 2', ...good.slice(4)])).toEqual(['art@venere.org']);
    expect(emailsOfRejectedRow(['x', 'y@z.com', 'Y@Z.com'])).toEqual(['y@z.com']);
    expect(emailsOfRejectedRow([])).toEqual([]);
  });

  it("names the emails in an unparsed record's raw text (an unclosed quote: no fields)", () => {
    expect(emailsOfUnparsedRow('Ann,"Lee,Co,1 St,Reno,NV,89501,,,Ann@Stray.com,Sales')).toEqual([
      'ann@stray.com',
    ]);
    expect(emailsOfUnparsedRow('Ann,"x@y.com\r\nBob,b@c.org",x')).toEqual(['x@y.com', 'b@c.org']);
    expect(emailsOfUnparsedRow('Ann,"Lee,no email here')).toEqual([]);
  });
});

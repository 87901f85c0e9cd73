/** The columns of a contacts file (Sample.csv), in order. */
export const CONTACT_COLUMNS = [
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
  'department',
] as const;

export type ContactColumn = (typeof CONTACT_COLUMNS)[number];

/** A valid row: one person in one department. Empty optional fields are null. */
export interface ContactRow {
  firstName: string;
  lastName: string;
  companyName: string | null;
  address: string | null;
  city: string | null;
  /** Two letters, upper-case. */
  state: string;
  /** Five digits (leading zeros restored: the file lost them, e.g. NJ "8014" -> "08014"). */
  zip: string | null;
  phone1: string | null;
  phone2: string | null;
  /** Lower-case: the natural key of a person. */
  email: string;
  department: string;
}

export type RowCheck = { ok: true; row: ContactRow } | { ok: false; reasons: string[] };

export const STATE_PATTERN = /^[A-Za-z]{2}$/;
/**
 * A deliberately simple email check, shared by the loader and the API: a local part, `@`, and a
 * domain of two or more non-empty dot-separated labels (`a@..b`, `a@b.` and `a@b` fail); no
 * whitespace, `@`, `,` or `;` anywhere.
 */
export const EMAIL_PATTERN = /^[^\s@,;]+@[^\s@,;.]+(?:\.[^\s@,;.]+)+$/;
/**
 * The most characters (Unicode code points, counted after trimming) a text field may hold: the same
 * limit as the records API's fields (200). It keeps every value well inside PostgreSQL's btree
 * index entry size (the people's email, city and name indexes), so an over-long field is a reject,
 * not a failed file.
 */
export const CONTACT_FIELD_MAX_LENGTH = 200;
const ZIP = /^\d{1,5}$/;
const REQUIRED: readonly ContactColumn[] = ['first_name', 'last_name', 'state', 'email', 'department'];

/** Why a header is not the contacts header, or undefined when it is (names compared trimmed, any case). */
export function headerProblem(fields: readonly string[]): string | undefined {
  const names = fields.map((f) => f.trim().toLowerCase());
  if (names.length === CONTACT_COLUMNS.length && names.every((name, i) => name === CONTACT_COLUMNS[i]))
    return undefined;
  return `header must be exactly "${CONTACT_COLUMNS.join(',')}"; found "${fields.join(',')}"`;
}

/** Normalizes a zip that lost its leading zeros to 5 digits; undefined when it is not a zip. */
export function normalizeZip(text: string): string | undefined {
  const value = text.trim();
  return ZIP.test(value) ? value.padStart(5, '0') : undefined;
}

/** Characters of a text as the API's MaxLength counts them: a surrogate pair is one (a code point). */
function codePoints(text: string): number {
  if (text.length <= CONTACT_FIELD_MAX_LENGTH) return text.length; // never more code points than units
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

/**
 * Validates one data row, giving every reason it fails. State is taken as written (exactly two
 * letters, no surrounding spaces) and stored upper-case; other text fields are trimmed. A field
 * longer than CONTACT_FIELD_MAX_LENGTH is given that one reason (its other checks, which would quote
 * the whole value, are skipped).
 */
export function checkContactRow(fields: readonly string[]): RowCheck {
  if (fields.length !== CONTACT_COLUMNS.length) {
    return { ok: false, reasons: [`expected ${CONTACT_COLUMNS.length} columns, found ${fields.length}`] };
  }
  const value = (column: ContactColumn) => fields[CONTACT_COLUMNS.indexOf(column)]!;
  const text = (column: ContactColumn) => value(column).trim() || null;
  const reasons: string[] = [];
  // PostgreSQL text cannot hold U+0000: such a row is a reject, not a failed file.
  for (const column of CONTACT_COLUMNS)
    if (value(column).includes('\u0000')) reasons.push(`${column} contains a NUL character`);
  const tooLong = new Set<ContactColumn>();
  for (const column of CONTACT_COLUMNS) {
    const length = codePoints(value(column).trim());
    if (length <= CONTACT_FIELD_MAX_LENGTH) continue;
    tooLong.add(column);
    reasons.push(`${column} must be at most ${CONTACT_FIELD_MAX_LENGTH} characters, found ${length}`);
  }
  for (const column of REQUIRED) if (value(column).trim() === '') reasons.push(`${column} is required`);
  const state = value('state');
  if (!tooLong.has('state') && state.trim() !== '' && !STATE_PATTERN.test(state))
    reasons.push(`state must be exactly 2 letters, got "${state}"`);
  const email = value('email').trim();
  if (!tooLong.has('email') && email !== '' && !EMAIL_PATTERN.test(email))
    reasons.push(`email is malformed: "${email}"`);
  const zipText = value('zip').trim();
  const zip = zipText === '' || tooLong.has('zip') ? null : normalizeZip(zipText);
  if (zip === undefined) reasons.push(`zip must be up to 5 digits, got "${zipText}"`);
  if (reasons.length > 0) return { ok: false, reasons };
  return {
    ok: true,
    row: {
      firstName: text('first_name')!,
      lastName: text('last_name')!,
      companyName: text('company_name'),
      address: text('address'),
      city: text('city'),
      state: state.toUpperCase(),
      zip: zip ?? null,
      phone1: text('phone1'),
      phone2: text('phone2'),
      email: email.toLowerCase(),
      department: text('department')!,
    },
  };
}

/**
 * The emails (lower-case) a rejected row names, whose other rows in the file must be rejected too:
 * the email field when the row has the right columns; when it has not (e.g. an unquoted comma
 * shifted its fields), every field that looks like an email. Empty or malformed emails (a NUL
 * included) name nobody: no valid row can have them.
 */
export function emailsOfRejectedRow(fields: readonly string[]): string[] {
  return emailsAmong(
    fields.length === CONTACT_COLUMNS.length ? [fields[CONTACT_COLUMNS.indexOf('email')]!] : fields,
  );
}

/**
 * The emails (lower-case) named by the raw text of a record the CSV parser gave up on (an unclosed
 * quote: it has no fields): every piece between commas, quotes and line breaks that looks like an
 * email (an email never holds those characters).
 */
export function emailsOfUnparsedRow(raw: string): string[] {
  return emailsAmong(raw.split(/[",\r\n]/));
}

function emailsAmong(candidates: readonly string[]): string[] {
  const emails = new Set<string>();
  for (const field of candidates) {
    const email = field.trim().toLowerCase();
    if (!email.includes('\u0000') && EMAIL_PATTERN.test(email)) emails.add(email);
  }
  return [...emails];
}

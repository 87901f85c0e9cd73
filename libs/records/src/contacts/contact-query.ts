/** What GET /v1/contacts may filter, sort and page by; pure (no I/O): turns a query into SQL + values. */

/**
 * Text is sorted by the Unicode collation (ICU's root locale, in PostgreSQL and the embedded PGlite
 * alike): `abbott, Butt, de la Cruz, Évora, Zed` whatever the database's own collation is (C.UTF-8
 * would put every capital first and `É` after `z`; en_US another way again).
 */
const BY_TEXT = 'COLLATE "und-x-icu"';

/** Fields a list can be sorted by, and the SQL each one sorts on. */
export const CONTACT_SORT_FIELDS = {
  id: 'p.id',
  first_name: `p.first_name ${BY_TEXT}`,
  last_name: `p.last_name ${BY_TEXT}`,
  email: `p.email ${BY_TEXT}`,
  company_name: `c.name ${BY_TEXT}`,
  city: `p.city ${BY_TEXT}`,
  state: 'p.state',
  zip: 'p.zip',
  created_at: 'p.created_at',
  updated_at: 'p.updated_at',
} as const;

export type ContactSortField = keyof typeof CONTACT_SORT_FIELDS;

export interface ContactSort {
  field: ContactSortField;
  descending: boolean;
}

export interface ContactQuery {
  /** Two letters (any case). */
  state?: string;
  /** Equality, case-insensitive. */
  city?: string;
  /** The company's name, case-insensitive. */
  company?: string;
  /** The person has a department of this name (case-insensitive). */
  department?: string;
  /** Substring of first name, last name, "first last" or email (case-insensitive). */
  q?: string;
  sort: ContactSort[];
  limit: number;
  offset: number;
}

export const CONTACT_LIST_DEFAULT_LIMIT = 50;
export const CONTACT_LIST_MAX_LIMIT = 1000;

export function isContactSortField(name: string): name is ContactSortField {
  return Object.hasOwn(CONTACT_SORT_FIELDS, name);
}

/**
 * Parses `sort` as a comma list of fields, each optionally prefixed by `-` for descending
 * (e.g. `last_name,-created_at`). Returns the unknown names instead when there are any.
 */
export function parseContactSort(text: string | undefined): ContactSort[] | { unknown: string[] } {
  if (text === undefined || text.trim() === '') return [];
  const parts = text.split(',').map((part) => part.trim());
  const unknown = parts.filter((part) => !isContactSortField(part.replace(/^-/, '')));
  if (unknown.length > 0) return { unknown };
  return parts.map((part) => ({
    field: part.replace(/^-/, '') as ContactSortField,
    descending: part.startsWith('-'),
  }));
}

/** Escapes LIKE wildcards so `q` is matched literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** The WHERE clause and ORDER BY of a contact list, with its parameter values ($1.. in order). */
export function contactListClauses(query: ContactQuery): {
  where: string;
  orderBy: string;
  values: unknown[];
} {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions: string[] = [];
  if (query.state !== undefined) conditions.push(`p.state = ${param(query.state.toUpperCase())}`);
  if (query.city !== undefined) conditions.push(`lower(p.city) = lower(${param(query.city)})`);
  if (query.company !== undefined) conditions.push(`lower(c.name) = lower(${param(query.company)})`);
  if (query.department !== undefined) {
    conditions.push(
      `EXISTS (SELECT 1 FROM records.person_departments pd JOIN records.departments d ON d.id = pd.department_id
               WHERE pd.person_id = p.id AND lower(d.name) = lower(${param(query.department)}))`,
    );
  }
  if (query.q !== undefined) {
    const q = param(likePattern(query.q));
    conditions.push(
      `(p.first_name ILIKE ${q} OR p.last_name ILIKE ${q} OR p.email ILIKE ${q}
        OR (p.first_name || ' ' || p.last_name) ILIKE ${q})`,
    );
  }
  const order = query.sort.map((s) => `${CONTACT_SORT_FIELDS[s.field]} ${s.descending ? 'DESC' : 'ASC'}`);
  if (!query.sort.some((s) => s.field === 'id')) order.push('p.id ASC'); // a stable page order
  return {
    where: conditions.length > 0 ? conditions.join(' AND ') : 'true',
    orderBy: order.join(', '),
    values,
  };
}

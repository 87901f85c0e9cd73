// SQL of the contacts repository. PostgreSQL builds each contact's JSON itself, so the API sends it as
// it comes (no row objects, no re-serialization).

// ISO 8601 in UTC with milliseconds. The colons are quoted literals so that no ":name" appears in the
// SQL (pgbench, the benchmark's context figure, would take it for a variable).
const UTC_ISO = `'YYYY-MM-DD"T"HH24":"MI":"SS.MS"Z"'`;

/** One contact as JSON, from `records.people p` left-joined to `records.companies c` (keys in this order). */
export const CONTACT_JSON = `(SELECT row_to_json(contact) FROM (SELECT
    p.id, p.first_name, p.last_name, c.name AS company_name, p.address, p.city, p.state, p.zip,
    p.phone1, p.phone2, p.email,
    coalesce(
      (SELECT json_agg(d.name ORDER BY d.name)
       FROM records.person_departments pd JOIN records.departments d ON d.id = pd.department_id
       WHERE pd.person_id = p.id),
      '[]'::json) AS departments,
    p.version,
    to_char(p.created_at AT TIME ZONE 'UTC', ${UTC_ISO}) AS created_at,
    to_char(p.updated_at AT TIME ZONE 'UTC', ${UTC_ISO}) AS updated_at) contact)`;

export const CONTACT_BY_ID = `
  SELECT p.version, ${CONTACT_JSON}::text AS json
  FROM records.people p LEFT JOIN records.companies c ON c.id = p.company_id
  WHERE p.id = $1`;

/** A page of contacts and the total matching, as one JSON document. */
export function contactListSql(
  where: string,
  orderBy: string,
  limitParam: string,
  offsetParam: string,
): string {
  return `
    WITH matching AS (
      SELECT p.id FROM records.people p LEFT JOIN records.companies c ON c.id = p.company_id WHERE ${where}
    ), page AS (
      SELECT ${CONTACT_JSON} AS contact, row_number() OVER (ORDER BY ${orderBy}) AS n
      FROM records.people p LEFT JOIN records.companies c ON c.id = p.company_id
      WHERE p.id IN (SELECT id FROM matching)
      ORDER BY ${orderBy} LIMIT ${limitParam} OFFSET ${offsetParam}
    )
    SELECT '{"items":[' || coalesce((SELECT string_agg(contact::text, ',' ORDER BY n) FROM page), '')
        || '],"total":' || (SELECT count(*) FROM matching)
        || ',"limit":' || ${limitParam}::int || ',"offset":' || ${offsetParam}::int || '}' AS json`;
}

// Lookups (companies, departments) are matched without regard to case (lower(name) is unique: the
// first spelling stored is kept). A new name is created with ON CONFLICT DO NOTHING and read by a
// separate statement: DO UPDATE would lock the shared row until commit and make every writer naming
// the same department wait for (or deadlock with) this one. A separate statement sees a row a
// concurrent writer committed meanwhile, which a CTE of the same statement would not. Case is folded
// by PostgreSQL only (lower()), never in JavaScript, so both sides always agree on what "same" is.

export const INSERT_COMPANY = `
  INSERT INTO records.companies (name) SELECT $1::text
  WHERE NOT EXISTS (SELECT 1 FROM records.companies WHERE lower(name) = lower($1))
  ON CONFLICT (lower(name)) DO NOTHING`;

/** A company by name, case-insensitively. */
export const COMPANY_ID = `SELECT id FROM records.companies WHERE lower(name) = lower($1)`;

/**
 * Creates the named departments that do not exist in any case, each with the first spelling given,
 * in lower(name) order, as a file inserts them (see merge-sql.ts: lock order).
 */
export const INSERT_DEPARTMENTS = `
  INSERT INTO records.departments (name)
  SELECT name FROM (
    SELECT DISTINCT ON (lower(n)) n AS name FROM unnest($1::text[]) WITH ORDINALITY AS given(n, i)
    ORDER BY lower(n), i
  ) first_spelling
  WHERE NOT EXISTS (SELECT 1 FROM records.departments d WHERE lower(d.name) = lower(first_spelling.name))
  ORDER BY lower(name)
  ON CONFLICT (lower(name)) DO NOTHING`;

/** Ids of the named departments, matched case-insensitively (each once). */
export const DEPARTMENT_IDS = `
  SELECT d.id FROM records.departments d
  WHERE lower(d.name) IN (SELECT lower(n) FROM unnest($1::text[]) AS given(n))`;

/** Makes person $1's department links exactly $2 (ids); answers how many links were removed or added. */
export const SET_DEPARTMENT_LINKS = `
  WITH removed AS (
    DELETE FROM records.person_departments WHERE person_id = $1 AND department_id <> ALL ($2::int[]) RETURNING 1
  ), added AS (
    INSERT INTO records.person_departments (person_id, department_id) SELECT $1, unnest($2::int[])
    ON CONFLICT DO NOTHING RETURNING 1
  )
  SELECT ((SELECT count(*) FROM removed) + (SELECT count(*) FROM added))::int AS changed`;

export const BUMP_VERSION = `UPDATE records.people SET version = version + 1, updated_at = now() WHERE id = $1`;

export const LOCK_VERSION = `SELECT version FROM records.people WHERE id = $1 FOR UPDATE`;

export const DELETE_CONTACT = `DELETE FROM records.people WHERE id = $1`;

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

/** The id of a company by name, created if new (DO UPDATE so the id is returned even under a race). */
export const UPSERT_COMPANY = `
  INSERT INTO records.companies (name) VALUES ($1)
  ON CONFLICT (name) DO UPDATE SET name = excluded.name
  RETURNING id`;

/** Makes person $1's departments exactly the names in $2, creating new department names. */
export const SET_DEPARTMENTS = `
  WITH ids AS (
    INSERT INTO records.departments (name) SELECT DISTINCT unnest($2::text[])
    ON CONFLICT (name) DO UPDATE SET name = excluded.name
    RETURNING id
  ), removed AS (
    DELETE FROM records.person_departments
    WHERE person_id = $1 AND department_id NOT IN (SELECT id FROM ids)
  )
  INSERT INTO records.person_departments (person_id, department_id) SELECT $1, id FROM ids
  ON CONFLICT DO NOTHING`;

export const LOCK_VERSION = `SELECT version FROM records.people WHERE id = $1 FOR UPDATE`;

export const DELETE_CONTACT = `DELETE FROM records.people WHERE id = $1`;

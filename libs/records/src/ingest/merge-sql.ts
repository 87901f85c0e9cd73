// Set-based statements that merge one file's staged rows (temp table `staging`) into records.*.

export const CREATE_STAGING = `
  CREATE TEMP TABLE staging (
    line integer, first_name text, last_name text, company_name text, address text, city text,
    state text, zip text, phone1 text, phone2 text, email text, department text, raw text
  ) ON COMMIT DROP`;

export const STAGE_ROWS = `
  INSERT INTO staging
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])`;

/**
 * The emails of the file's rejected rows (lower-case; see emailsOfRejectedRow) with the line of each:
 * the other rows of those emails are rejected before the merge (REJECT_SAME_EMAIL).
 */
export const CREATE_REJECTED_EMAILS = `
  CREATE TEMP TABLE rejected_emails (line integer, email text) ON COMMIT DROP`;

/** Rejected rows ($2 lines, $3 raw text, $4 reasons) and the emails they name ($5 lines, $6 emails). */
export const INSERT_REJECTS = `
  WITH rejected AS (
    INSERT INTO records.rejects (ingestion_id, line_number, raw_line, reasons)
    SELECT $1, line, raw, string_to_array(reasons, E'\\x1f')
    FROM unnest($2::int[], $3::text[], $4::text[]) AS r(line, raw, reasons)
  )
  INSERT INTO rejected_emails (line, email) SELECT * FROM unnest($5::int[], $6::text[])`;

/** Statistics for the planner: the staged rows are many, and temp tables are never auto-analyzed. */
export const ANALYZE_STAGING = `ANALYZE staging, rejected_emails`;

/**
 * A rejected row's person is left as it was: every other row of the file with the email it names is
 * rejected too ("another row for this email (line N) was rejected; ...", N the first rejected line of
 * that email). Otherwise the valid rows alone would be merged, and a department listed only on the
 * rejected row would be removed from the stored person. $1: the ingestion; answers how many rows went.
 */
export const REJECT_SAME_EMAIL = `
  WITH first_rejected AS (
    SELECT email, min(line) AS line FROM rejected_emails GROUP BY email
  ), removed AS (
    DELETE FROM staging s USING first_rejected r WHERE s.email = r.email
    RETURNING s.line, s.raw, r.line AS other
  ), rejected AS (
    INSERT INTO records.rejects (ingestion_id, line_number, raw_line, reasons)
    SELECT $1, line, raw,
           ARRAY['another row for this email (line ' || other || ') was rejected; the person is left as it was']
    FROM removed
  )
  SELECT count(*)::int AS n FROM removed`;

/**
 * Rows of one file that give the same email (any case: emails are staged lower-case) must describe
 * the same person: they may differ only in department (one row per department) and in the case of
 * the company name (one company, as names are matched without regard to case). When they differ in
 * anything else, the file does not say which is right, so every row of that email is rejected
 * ("conflicts with line N for the same email", N being the first line of that email that differs from
 * the row) and the stored person is left as it was. $1: the ingestion; answers how many rows went.
 */
export const REJECT_CONFLICTING = `
  WITH persons AS (
    SELECT line, email, raw,
           ROW(first_name, last_name, lower(company_name), address, city, state, zip, phone1, phone2)::text AS person
    FROM staging
    WHERE email IN (SELECT email FROM staging GROUP BY email HAVING count(*) > 1)
  ), variants AS (
    SELECT email, person, min(line) AS first_line FROM persons GROUP BY email, person
  ), conflicting AS (
    SELECT p.line, p.raw, min(v.first_line) AS other
    FROM persons p JOIN variants v ON v.email = p.email AND v.person <> p.person
    GROUP BY p.line, p.raw
  ), removed AS (
    DELETE FROM staging s USING conflicting c WHERE s.line = c.line
  ), rejected AS (
    INSERT INTO records.rejects (ingestion_id, line_number, raw_line, reasons)
    SELECT $1, line, raw, ARRAY['conflicts with line ' || other || ' for the same email'] FROM conflicting
  )
  SELECT count(*)::int AS n FROM conflicting`;

// Company and department names are matched without regard to case (lower(name), unique in the
// database): a name of the file that is stored in another case is the stored one, and a new name is
// created with the spelling of its first line in the file.
//
// Lock order, shared with the contacts repository (the API) so that a file and an API write never wait
// for each other in a cycle: first the existing people named (by id), then new companies, then new
// departments (each in lower(name) order), then new people rows and links.

/** Locks the stored people the file names (by email), in id order, until the transaction ends. */
export const LOCK_NAMED_PEOPLE = `
  SELECT 1 FROM records.people p WHERE p.email IN (SELECT email FROM staging) ORDER BY p.id FOR UPDATE OF p`;

// Each name's spellings are grouped first (few groups, hashed), then the first spelling of each
// name in the file is kept: sorting every staged row by lower(name) would cost more.

export const MERGE_COMPANIES = `
  INSERT INTO records.companies (name)
  SELECT DISTINCT ON (lower(name)) name FROM (
    SELECT company_name AS name, min(line) AS first_line FROM staging
    WHERE company_name IS NOT NULL GROUP BY company_name
  ) spellings
  ORDER BY lower(name), first_line
  ON CONFLICT (lower(name)) DO NOTHING`;

export const MERGE_DEPARTMENTS = `
  INSERT INTO records.departments (name)
  SELECT DISTINCT ON (lower(name)) name FROM (
    SELECT department AS name, min(line) AS first_line FROM staging GROUP BY department
  ) spellings
  ORDER BY lower(name), first_line
  ON CONFLICT (lower(name)) DO NOTHING`;

/** The people the upsert inserted or changed (by id), until the transaction ends. */
export const CREATE_TOUCHED = `CREATE TEMP TABLE touched (id integer PRIMARY KEY, inserted boolean NOT NULL) ON COMMIT DROP`;

/**
 * Upserts each person once (the rows of one email agree on everything but department: see
 * REJECT_CONFLICTING) and notes who was inserted or changed in `touched` (nothing per row reaches the
 * client, so memory does not grow with the file). A person a concurrent transaction inserted
 * meanwhile (after LOCK_NAMED_PEOPLE found nobody) makes the insert wait for that transaction and
 * then take the ON CONFLICT path, which locks the row even when nothing in it changes.
 */
export const UPSERT_PEOPLE = `
  WITH latest AS (
    SELECT DISTINCT ON (email) s.*, c.id AS company_id
    FROM staging s LEFT JOIN records.companies c ON lower(c.name) = lower(s.company_name)
    ORDER BY email, line DESC
  ), upserted AS (
    INSERT INTO records.people AS p (first_name, last_name, company_id, address, city, state, zip, phone1, phone2, email)
    SELECT first_name, last_name, company_id, address, city, state, zip, phone1, phone2, email FROM latest
    ON CONFLICT (email) DO UPDATE SET
      first_name = excluded.first_name, last_name = excluded.last_name, company_id = excluded.company_id,
      address = excluded.address, city = excluded.city, state = excluded.state, zip = excluded.zip,
      phone1 = excluded.phone1, phone2 = excluded.phone2, version = p.version + 1, updated_at = now()
    WHERE (p.first_name, p.last_name, p.company_id, p.address, p.city, p.state, p.zip, p.phone1, p.phone2)
      IS DISTINCT FROM (excluded.first_name, excluded.last_name, excluded.company_id, excluded.address,
                        excluded.city, excluded.state, excluded.zip, excluded.phone1, excluded.phone2)
    RETURNING p.id, (xmax = 0) AS inserted
  )
  INSERT INTO touched (id, inserted) SELECT id, inserted FROM upserted`;

/**
 * Makes each named person's departments exactly those the file lists for them, bumps the version of
 * the people whose links changed and the upsert did not already bump, and answers the file's counts.
 * Which links changed is what this statement removed and added, not a comparison made earlier: a
 * statement sees what concurrent transactions committed before it started (READ COMMITTED), so a
 * person another file inserted while this one waited is compared as it is now, and every change to
 * a person moves their version (hence their ETag).
 */
export const REPLACE_DEPARTMENTS = `
  WITH wanted AS (
    SELECT DISTINCT p.id AS person_id, d.id AS department_id
    FROM staging s JOIN records.people p ON p.email = s.email
    JOIN records.departments d ON lower(d.name) = lower(s.department)
  ), removed AS (
    DELETE FROM records.person_departments pd
    WHERE pd.person_id IN (SELECT person_id FROM wanted)
      AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.person_id = pd.person_id AND w.department_id = pd.department_id)
    RETURNING pd.person_id
  ), added AS (
    INSERT INTO records.person_departments (person_id, department_id) SELECT person_id, department_id FROM wanted
    ON CONFLICT DO NOTHING
    RETURNING person_id
  ), relinked AS (
    UPDATE records.people SET version = version + 1, updated_at = now()
    WHERE id IN (SELECT person_id FROM removed UNION SELECT person_id FROM added)
      AND id NOT IN (SELECT id FROM touched)
    RETURNING id
  )
  SELECT (SELECT count(*) FROM touched WHERE inserted)::int AS inserted,
         ((SELECT count(*) FROM touched WHERE NOT inserted) + (SELECT count(*) FROM relinked))::int AS updated,
         (SELECT count(DISTINCT email) FROM staging)::int AS people`;

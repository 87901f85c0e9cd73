-- The records database, as its migration creates it
-- (libs/records/src/migrations/1731000000000-create-records-schema.ts).
CREATE SCHEMA IF NOT EXISTS records;

CREATE TABLE records.departments (
  id serial NOT NULL,
  name text NOT NULL,
  CONSTRAINT pk_departments PRIMARY KEY (id),
  CONSTRAINT uq_departments_name UNIQUE (name)
);

CREATE TABLE records.companies (
  id serial NOT NULL,
  name text NOT NULL,
  CONSTRAINT pk_companies PRIMARY KEY (id),
  CONSTRAINT uq_companies_name UNIQUE (name)
);

CREATE TABLE records.people (
  id serial NOT NULL,
  first_name text NOT NULL,
  last_name text NOT NULL,
  company_id integer,
  address text,
  city text,
  state char(2) NOT NULL,
  zip text,                               -- 5 digits; leading zeros restored
  phone1 text,
  phone2 text,
  email text NOT NULL,                    -- the natural key, lower-case
  version integer NOT NULL DEFAULT 1,     -- bumped on every change (for ETags)
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pk_people PRIMARY KEY (id),
  CONSTRAINT uq_people_email UNIQUE (email),
  CONSTRAINT fk_people_company FOREIGN KEY (company_id) REFERENCES records.companies (id),
  CONSTRAINT ck_people_state CHECK (state ~ '^[A-Z]{2}$'),
  CONSTRAINT ck_people_zip CHECK (zip ~ '^[0-9]{5}$'),
  CONSTRAINT ck_people_email_lower CHECK (email = lower(email))
);

CREATE TABLE records.person_departments (
  person_id integer NOT NULL,
  department_id integer NOT NULL,
  CONSTRAINT pk_person_departments PRIMARY KEY (person_id, department_id),
  CONSTRAINT fk_person_departments_person FOREIGN KEY (person_id) REFERENCES records.people (id) ON DELETE CASCADE,
  CONSTRAINT fk_person_departments_department FOREIGN KEY (department_id) REFERENCES records.departments (id)
);

CREATE TABLE records.ingestions (
  id bigserial NOT NULL,
  file_name text NOT NULL,
  sha256 text NOT NULL,
  status text NOT NULL,                   -- loading | loaded | duplicate | rejected | failed
  received_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_read integer,
  inserted integer,
  updated integer,
  unchanged integer,
  rejected integer,
  error text,
  CONSTRAINT pk_ingestions PRIMARY KEY (id),
  CONSTRAINT ck_ingestions_status CHECK (status IN ('loading', 'loaded', 'duplicate', 'rejected', 'failed'))
);
-- The same content is loaded at most once.
CREATE UNIQUE INDEX ux_ingestions_loaded_sha256 ON records.ingestions (sha256) WHERE status = 'loaded';

CREATE TABLE records.rejects (
  id bigserial NOT NULL,
  ingestion_id bigint NOT NULL,
  line_number integer NOT NULL,
  raw_line text NOT NULL,
  reasons text[] NOT NULL,
  CONSTRAINT pk_rejects PRIMARY KEY (id),
  CONSTRAINT fk_rejects_ingestion FOREIGN KEY (ingestion_id) REFERENCES records.ingestions (id) ON DELETE CASCADE
);

-- Indexes behind the API's list filters
-- (libs/records/src/migrations/1732000000000-add-contact-lookup-indexes.ts).
CREATE INDEX ix_people_state ON records.people (state, id);
CREATE INDEX ix_people_city ON records.people (lower(city));
CREATE INDEX ix_people_company ON records.people (company_id);
CREATE INDEX ix_companies_name_lower ON records.companies (lower(name));
CREATE INDEX ix_departments_name_lower ON records.departments (lower(name));
CREATE INDEX ix_person_departments_department ON records.person_departments (department_id);

-- Company and department names are unique without regard to case: `Sales` and `sales` are one
-- department, and the first spelling stored is kept
-- (libs/records/src/migrations/1733000000000-case-insensitive-names.ts). Names already stored in
-- several spellings are merged first (nothing to do on a new database; the migration locks the four
-- tables against writers meanwhile): the oldest row stays, people and links move to it with a new
-- version, the others are deleted.

WITH merged AS (
  SELECT id, min(id) OVER (PARTITION BY lower(name)) AS keep_id FROM records.companies
)
UPDATE records.people p SET company_id = m.keep_id, version = p.version + 1, updated_at = now()
FROM merged m WHERE p.company_id = m.id AND m.id <> m.keep_id;
DELETE FROM records.companies c
WHERE EXISTS (SELECT 1 FROM records.companies o WHERE lower(o.name) = lower(c.name) AND o.id < c.id);

WITH merged AS (
  SELECT id, min(id) OVER (PARTITION BY lower(name)) AS keep_id FROM records.departments
), moved AS (
  SELECT pd.person_id, pd.department_id, m.keep_id
  FROM records.person_departments pd JOIN merged m ON m.id = pd.department_id
  WHERE m.id <> m.keep_id
), bumped AS (
  UPDATE records.people SET version = version + 1, updated_at = now()
  WHERE id IN (SELECT person_id FROM moved)
), added AS (
  INSERT INTO records.person_departments (person_id, department_id)
  SELECT DISTINCT person_id, keep_id FROM moved
  ON CONFLICT DO NOTHING
)
DELETE FROM records.person_departments pd
USING moved m WHERE pd.person_id = m.person_id AND pd.department_id = m.department_id;
DELETE FROM records.departments d
WHERE EXISTS (SELECT 1 FROM records.departments o WHERE lower(o.name) = lower(d.name) AND o.id < d.id);

ALTER TABLE records.companies DROP CONSTRAINT uq_companies_name;
DROP INDEX records.ix_companies_name_lower;
CREATE UNIQUE INDEX ux_companies_name_lower ON records.companies (lower(name));
ALTER TABLE records.departments DROP CONSTRAINT uq_departments_name;
DROP INDEX records.ix_departments_name_lower;
CREATE UNIQUE INDEX ux_departments_name_lower ON records.departments (lower(name));

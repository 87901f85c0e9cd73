-- The relations database (seed 004, exercise 1) on MySQL / MariaDB, as its migration creates it
-- (libs/relations/src/migrations/1732000000000-create-relations-schema.ts).
-- The loader applies the migration itself (npm run relations -- migrate). To create it by hand:
--   mysql -u root < infra/sql/relations.sql
-- On the embedded default (PostgreSQL) the same tables live in schema "relations".
-- utf8mb4_bin compares text exactly: accent- and case-sensitive, so the labels N and Ñ differ
-- (an accent-insensitive collation such as utf8mb4_general_ci would make them equal).

CREATE DATABASE IF NOT EXISTS relations CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
USE relations;

-- loads: one row per applied file version (its SHA-256), with the counts of what it changed.
CREATE TABLE loads (
  id INT NOT NULL AUTO_INCREMENT,
  file_name VARCHAR(255) NOT NULL,
  file_sha256 CHAR(64) NOT NULL,
  file_bytes BIGINT NOT NULL,
  file_modified_at DATETIME(3) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NULL,
  cells_read INT NOT NULL DEFAULT 0,
  added INT NOT NULL DEFAULT 0,
  changed INT NOT NULL DEFAULT 0,
  unchanged INT NOT NULL DEFAULT 0,
  cleared INT NOT NULL DEFAULT 0,
  rejected INT NOT NULL DEFAULT 0,
  people_added INT NOT NULL DEFAULT 0,
  people_updated INT NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_loads_file_sha256 (file_sha256)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- people: keyed by the workbook numeric id (column A / row 1 / actor list), never by label.
-- The three labels are kept as given (they disagree from id 41 on), and compare exactly (utf8mb4_bin).
CREATE TABLE people (
  id INT NOT NULL,
  row_label VARCHAR(64) COLLATE utf8mb4_bin NULL,
  column_label VARCHAR(64) COLLATE utf8mb4_bin NULL,
  list_label VARCHAR(64) COLLATE utf8mb4_bin NULL,
  name VARCHAR(255) COLLATE utf8mb4_bin NULL,
  created_load_id INT NOT NULL,
  updated_load_id INT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_people_row_label (row_label),
  KEY ix_people_list_label (list_label),
  CONSTRAINT fk_people_created_load FOREIGN KEY (created_load_id) REFERENCES loads (id),
  CONSTRAINT fk_people_updated_load FOREIGN KEY (updated_load_id) REFERENCES loads (id),
  CONSTRAINT ck_people_id CHECK (id > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- relations: the current state, one row per known directed pair (person -> related person).
-- A blank cell is unknown: no row. A pair that becomes blank in a newer file is deleted here
-- (and its old value kept in relation_changes).
CREATE TABLE relations (
  person_id INT NOT NULL,
  related_person_id INT NOT NULL,
  value TINYINT NOT NULL,
  PRIMARY KEY (person_id, related_person_id),
  KEY ix_relations_related_person (related_person_id),
  CONSTRAINT fk_relations_person FOREIGN KEY (person_id) REFERENCES people (id),
  CONSTRAINT fk_relations_related_person FOREIGN KEY (related_person_id) REFERENCES people (id),
  CONSTRAINT ck_relations_value CHECK (value IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- relation_changes: every change a load made (added: old NULL, cleared: new NULL).
CREATE TABLE relation_changes (
  load_id INT NOT NULL,
  person_id INT NOT NULL,
  related_person_id INT NOT NULL,
  old_value TINYINT NULL,
  new_value TINYINT NULL,
  PRIMARY KEY (load_id, person_id, related_person_id),
  CONSTRAINT fk_relation_changes_load FOREIGN KEY (load_id) REFERENCES loads (id),
  CONSTRAINT ck_relation_changes_values CHECK (
    (old_value IS NULL OR old_value IN (0, 1)) AND (new_value IS NULL OR new_value IN (0, 1))
  ),
  CONSTRAINT ck_relation_changes_change CHECK (NOT (old_value <=> new_value))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- load_rejects: cells a load could not accept (not 0, 1 or blank, or a bad id), with their address.
CREATE TABLE load_rejects (
  load_id INT NOT NULL,
  sheet VARCHAR(64) NOT NULL,
  cell VARCHAR(16) NOT NULL,
  value VARCHAR(255) NOT NULL,
  reason VARCHAR(255) NOT NULL,
  PRIMARY KEY (load_id, sheet, cell),
  CONSTRAINT fk_load_rejects_load FOREIGN KEY (load_id) REFERENCES loads (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- relation_history: each change with its file version and time.
CREATE VIEW relation_history AS
SELECT c.person_id, c.related_person_id, c.old_value, c.new_value, c.load_id,
       l.file_name, l.file_sha256, l.finished_at AS loaded_at
FROM relation_changes c JOIN loads l ON l.id = c.load_id;

-- relations_named: the current relations with labels and names, for reading.
CREATE VIEW relations_named AS
SELECT r.person_id, COALESCE(p.list_label, p.row_label) AS person_label, p.name AS person_name,
       r.related_person_id, COALESCE(q.list_label, q.row_label) AS related_label,
       q.name AS related_person_name, r.value
FROM relations r JOIN people p ON p.id = r.person_id JOIN people q ON q.id = r.related_person_id;

-- The migration ledger the loader keeps (TypeORM's), marking this schema as applied, so that the
-- loader started after these statements finds its migration done instead of creating the tables again.
CREATE TABLE IF NOT EXISTS relations_migrations (
  id INT NOT NULL AUTO_INCREMENT,
  timestamp BIGINT NOT NULL,
  name VARCHAR(255) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT INTO relations_migrations (timestamp, name) VALUES (1732000000000, 'CreateRelationsSchema1732000000000');

import type { MigrationInterface, QueryRunner } from 'typeorm';

// The relations schema in its two dialects. MySQL/MariaDB is the production target (seed 004);
// PostgreSQL (schema "relations") is the embedded default. Labels and names compare exactly
// (utf8mb4_bin on MySQL, "C" on PostgreSQL): accent- and case-sensitive, so N and Ñ stay apart.
// infra/sql/relations.sql holds the MySQL statements verbatim (a unit test keeps them equal).

/** The MySQL / MariaDB statements, in order. */
export const MYSQL_SCHEMA: readonly string[] = [
  `CREATE TABLE loads (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE people (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE relations (
  person_id INT NOT NULL,
  related_person_id INT NOT NULL,
  value TINYINT NOT NULL,
  PRIMARY KEY (person_id, related_person_id),
  KEY ix_relations_related_person (related_person_id),
  CONSTRAINT fk_relations_person FOREIGN KEY (person_id) REFERENCES people (id),
  CONSTRAINT fk_relations_related_person FOREIGN KEY (related_person_id) REFERENCES people (id),
  CONSTRAINT ck_relations_value CHECK (value IN (0, 1))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE relation_changes (
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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE load_rejects (
  load_id INT NOT NULL,
  sheet VARCHAR(64) NOT NULL,
  cell VARCHAR(16) NOT NULL,
  value VARCHAR(255) NOT NULL,
  reason VARCHAR(255) NOT NULL,
  PRIMARY KEY (load_id, sheet, cell),
  CONSTRAINT fk_load_rejects_load FOREIGN KEY (load_id) REFERENCES loads (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE VIEW relation_history AS
SELECT c.person_id, c.related_person_id, c.old_value, c.new_value, c.load_id,
       l.file_name, l.file_sha256, l.finished_at AS loaded_at
FROM relation_changes c JOIN loads l ON l.id = c.load_id`,
  `CREATE VIEW relations_named AS
SELECT r.person_id, COALESCE(p.list_label, p.row_label) AS person_label, p.name AS person_name,
       r.related_person_id, COALESCE(q.list_label, q.row_label) AS related_label,
       q.name AS related_person_name, r.value
FROM relations r JOIN people p ON p.id = r.person_id JOIN people q ON q.id = r.related_person_id`,
];

/** The PostgreSQL statements (schema "relations", created by the platform before migrating). */
export const POSTGRES_SCHEMA: readonly string[] = [
  `CREATE TABLE relations.loads (
  id integer GENERATED ALWAYS AS IDENTITY,
  file_name text NOT NULL,
  file_sha256 char(64) NOT NULL,
  file_bytes bigint NOT NULL,
  file_modified_at timestamptz(3) NOT NULL,
  started_at timestamptz(3) NOT NULL,
  finished_at timestamptz(3),
  cells_read integer NOT NULL DEFAULT 0,
  added integer NOT NULL DEFAULT 0,
  changed integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  cleared integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  people_added integer NOT NULL DEFAULT 0,
  people_updated integer NOT NULL DEFAULT 0,
  CONSTRAINT pk_loads PRIMARY KEY (id)
)`,
  `CREATE INDEX ix_loads_file_sha256 ON relations.loads (file_sha256)`,
  `CREATE TABLE relations.people (
  id integer NOT NULL,
  row_label text COLLATE "C",
  column_label text COLLATE "C",
  list_label text COLLATE "C",
  name text COLLATE "C",
  created_load_id integer NOT NULL,
  updated_load_id integer NOT NULL,
  CONSTRAINT pk_people PRIMARY KEY (id),
  CONSTRAINT fk_people_created_load FOREIGN KEY (created_load_id) REFERENCES relations.loads (id),
  CONSTRAINT fk_people_updated_load FOREIGN KEY (updated_load_id) REFERENCES relations.loads (id),
  CONSTRAINT ck_people_id CHECK (id > 0)
)`,
  `CREATE INDEX ix_people_row_label ON relations.people (row_label)`,
  `CREATE INDEX ix_people_list_label ON relations.people (list_label)`,
  `CREATE TABLE relations.relations (
  person_id integer NOT NULL,
  related_person_id integer NOT NULL,
  value smallint NOT NULL,
  CONSTRAINT pk_relations PRIMARY KEY (person_id, related_person_id),
  CONSTRAINT fk_relations_person FOREIGN KEY (person_id) REFERENCES relations.people (id),
  CONSTRAINT fk_relations_related_person FOREIGN KEY (related_person_id) REFERENCES relations.people (id),
  CONSTRAINT ck_relations_value CHECK (value IN (0, 1))
)`,
  `CREATE INDEX ix_relations_related_person ON relations.relations (related_person_id)`,
  `CREATE TABLE relations.relation_changes (
  load_id integer NOT NULL,
  person_id integer NOT NULL,
  related_person_id integer NOT NULL,
  old_value smallint,
  new_value smallint,
  CONSTRAINT pk_relation_changes PRIMARY KEY (load_id, person_id, related_person_id),
  CONSTRAINT fk_relation_changes_load FOREIGN KEY (load_id) REFERENCES relations.loads (id),
  CONSTRAINT ck_relation_changes_values CHECK (
    (old_value IS NULL OR old_value IN (0, 1)) AND (new_value IS NULL OR new_value IN (0, 1))
  ),
  CONSTRAINT ck_relation_changes_change CHECK (old_value IS DISTINCT FROM new_value)
)`,
  `CREATE TABLE relations.load_rejects (
  load_id integer NOT NULL,
  sheet text NOT NULL,
  cell text NOT NULL,
  value text NOT NULL,
  reason text NOT NULL,
  CONSTRAINT pk_load_rejects PRIMARY KEY (load_id, sheet, cell),
  CONSTRAINT fk_load_rejects_load FOREIGN KEY (load_id) REFERENCES relations.loads (id)
)`,
  `CREATE VIEW relations.relation_history AS
SELECT c.person_id, c.related_person_id, c.old_value, c.new_value, c.load_id,
       l.file_name, l.file_sha256, l.finished_at AS loaded_at
FROM relations.relation_changes c JOIN relations.loads l ON l.id = c.load_id`,
  `CREATE VIEW relations.relations_named AS
SELECT r.person_id, COALESCE(p.list_label, p.row_label) AS person_label, p.name AS person_name,
       r.related_person_id, COALESCE(q.list_label, q.row_label) AS related_label,
       q.name AS related_person_name, r.value
FROM relations.relations r JOIN relations.people p ON p.id = r.person_id
JOIN relations.people q ON q.id = r.related_person_id`,
];

const DROP_ORDER = ['relations_named', 'relation_history'] as const;
const TABLES_DROP_ORDER = ['load_rejects', 'relation_changes', 'relations', 'people', 'loads'] as const;

function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}

/**
 * People keyed by the workbook's numeric id, the current relations (one row per known directed
 * pair), every change (pair, old, new, load), the loads (file versions) and their rejected cells.
 */
export class CreateRelationsSchema1732000000000 implements MigrationInterface {
  name = 'CreateRelationsSchema1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of isMysql(queryRunner) ? MYSQL_SCHEMA : POSTGRES_SCHEMA) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const prefix = isMysql(queryRunner) ? '' : 'relations.';
    for (const view of DROP_ORDER) await queryRunner.query(`DROP VIEW ${prefix}${view}`);
    for (const table of TABLES_DROP_ORDER) await queryRunner.query(`DROP TABLE ${prefix}${table}`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Company and department names are unique without regard to case (as lower() folds them): `Sales`
 * and `sales` are one department. Names that already exist in several spellings are merged first:
 * the oldest row (lowest id) stays with its spelling, people and department links move to it (a
 * person linked to both keeps one link), each person moved gets a new version (their JSON changes,
 * so must their ETag), and the other rows are deleted. Then unique indexes on lower(name) replace
 * UNIQUE (name) and the plain lower(name) indexes.
 */
export class CaseInsensitiveNames1733000000000 implements MigrationInterface {
  name = 'CaseInsensitiveNames1733000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No writer may add a spelling between the merge and the unique index (readers go on).
    await queryRunner.query(`
      LOCK TABLE records.people, records.companies, records.departments, records.person_departments
      IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`
      WITH merged AS (
        SELECT id, min(id) OVER (PARTITION BY lower(name)) AS keep_id FROM records.companies
      )
      UPDATE records.people p SET company_id = m.keep_id, version = p.version + 1, updated_at = now()
      FROM merged m WHERE p.company_id = m.id AND m.id <> m.keep_id`);
    await queryRunner.query(`
      DELETE FROM records.companies c
      WHERE EXISTS (SELECT 1 FROM records.companies o WHERE lower(o.name) = lower(c.name) AND o.id < c.id)`);
    await queryRunner.query(`
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
      USING moved m WHERE pd.person_id = m.person_id AND pd.department_id = m.department_id`);
    await queryRunner.query(`
      DELETE FROM records.departments d
      WHERE EXISTS (SELECT 1 FROM records.departments o WHERE lower(o.name) = lower(d.name) AND o.id < d.id)`);
    for (const table of ['companies', 'departments']) {
      await queryRunner.query(`ALTER TABLE records.${table} DROP CONSTRAINT uq_${table}_name`);
      await queryRunner.query(`DROP INDEX records.ix_${table}_name_lower`);
      await queryRunner.query(`CREATE UNIQUE INDEX ux_${table}_name_lower ON records.${table} (lower(name))`);
    }
  }

  /** Back to UNIQUE (name); the merged rows stay merged. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['departments', 'companies']) {
      await queryRunner.query(`DROP INDEX records.ux_${table}_name_lower`);
      await queryRunner.query(`CREATE INDEX ix_${table}_name_lower ON records.${table} (lower(name))`);
      await queryRunner.query(`ALTER TABLE records.${table} ADD CONSTRAINT uq_${table}_name UNIQUE (name)`);
    }
  }
}

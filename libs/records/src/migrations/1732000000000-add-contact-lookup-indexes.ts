import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Indexes behind the API's list filters (state, city, company, department). */
export class AddContactLookupIndexes1732000000000 implements MigrationInterface {
  name = 'AddContactLookupIndexes1732000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_people_state ON records.people (state, id)`);
    await queryRunner.query(`CREATE INDEX ix_people_city ON records.people (lower(city))`);
    await queryRunner.query(`CREATE INDEX ix_people_company ON records.people (company_id)`);
    await queryRunner.query(`CREATE INDEX ix_companies_name_lower ON records.companies (lower(name))`);
    await queryRunner.query(`CREATE INDEX ix_departments_name_lower ON records.departments (lower(name))`);
    await queryRunner.query(
      `CREATE INDEX ix_person_departments_department ON records.person_departments (department_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'ix_person_departments_department',
      'ix_departments_name_lower',
      'ix_companies_name_lower',
      'ix_people_company',
      'ix_people_city',
      'ix_people_state',
    ]) {
      await queryRunner.query(`DROP INDEX records.${index}`);
    }
  }
}

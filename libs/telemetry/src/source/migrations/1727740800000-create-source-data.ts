import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed's source table `data`, in the `source` schema. The seed spells the temperature column
 * "ambient_temprature"; we spell it ambient_temperature. Timestamps keep millisecond precision so
 * that the API's ISO timestamps (and its keyset cursor) are exact.
 */
export class CreateSourceData1727740800000 implements MigrationInterface {
  name = 'CreateSourceData1727740800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE source.data (
        "timestamp" timestamptz(3) NOT NULL,
        wind_speed double precision,
        power double precision,
        ambient_temperature double precision,
        CONSTRAINT pk_source_data PRIMARY KEY ("timestamp")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE source.data');
  }
}

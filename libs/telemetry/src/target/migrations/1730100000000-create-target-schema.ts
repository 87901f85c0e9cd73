import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed's target tables: signal(id, name) and data(timestamp, signal_id, value), with the eight
 * signals of the ETL (mean, min, max, std of wind_speed and power) seeded. `value` is null where a
 * statistic is undefined (the standard deviation of a bucket with one reading).
 */
export class CreateTargetSchema1730100000000 implements MigrationInterface {
  name = 'CreateTargetSchema1730100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE target.signal (
        id smallserial NOT NULL,
        name text NOT NULL,
        CONSTRAINT pk_target_signal PRIMARY KEY (id),
        CONSTRAINT uq_target_signal_name UNIQUE (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE target.data (
        "timestamp" timestamptz(3) NOT NULL,
        signal_id smallint NOT NULL,
        value double precision,
        CONSTRAINT pk_target_data PRIMARY KEY ("timestamp", signal_id),
        CONSTRAINT fk_target_data_signal FOREIGN KEY (signal_id) REFERENCES target.signal (id)
      )`);
    await queryRunner.query(`
      INSERT INTO target.signal (name) VALUES
        ('wind_speed_mean'), ('wind_speed_min'), ('wind_speed_max'), ('wind_speed_std'),
        ('power_mean'), ('power_min'), ('power_max'), ('power_std')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE target.data');
    await queryRunner.query('DROP TABLE target.signal');
  }
}

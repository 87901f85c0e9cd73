import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A running attempt's heartbeat: its executor stamps it every 30 s while the run is in progress, so
 * an attempt whose worker died (wherever it ran) is recognised after a few minutes of silence, and
 * one that is merely long never is.
 */
export class RunHeartbeat1735000000000 implements MigrationInterface {
  name = 'RunHeartbeat1735000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ops.pipeline_runs ADD COLUMN heartbeat_at timestamptz');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE ops.pipeline_runs DROP COLUMN heartbeat_at');
  }
}

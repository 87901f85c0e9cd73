import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The run ledger: one row per attempt of (pipeline, partition). A partial unique index makes two
 * running attempts of the same partition impossible, whatever the queue does.
 */
export class CreateRunLedger1730000000000 implements MigrationInterface {
  name = 'CreateRunLedger1730000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ops.pipeline_runs (
        id bigserial NOT NULL,
        pipeline text NOT NULL,
        partition_key text NOT NULL,
        attempt integer NOT NULL DEFAULT 1,
        trigger text NOT NULL,
        status text NOT NULL,
        queued_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        rows_read bigint,
        rows_written bigint,
        error text,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        worker text,
        CONSTRAINT pk_pipeline_runs PRIMARY KEY (id),
        CONSTRAINT ck_pipeline_runs_trigger CHECK (trigger IN ('schedule', 'cli', 'backfill', 'api')),
        CONSTRAINT ck_pipeline_runs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ux_pipeline_runs_one_running ON ops.pipeline_runs (pipeline, partition_key) WHERE status = 'running'`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_pipeline_runs_partition ON ops.pipeline_runs (pipeline, partition_key, id DESC)`,
    );
    await queryRunner.query(`
      CREATE VIEW ops.partition_status AS
      SELECT DISTINCT ON (pipeline, partition_key)
        pipeline, partition_key, id AS run_id, attempt, trigger, status, started_at, finished_at,
        rows_read, rows_written, error, metadata
      FROM ops.pipeline_runs
      WHERE status <> 'skipped'
      ORDER BY pipeline, partition_key, id DESC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW ops.partition_status');
    await queryRunner.query('DROP TABLE ops.pipeline_runs');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partition's latest state is its most recent activity, not its highest row id: a queued row
 * keeps its id when its job runs later, so a run started meanwhile (`etl run`) would otherwise mask
 * the outcome of that job. Also says whether the partition ever finished a run (succeeded or
 * failed) and ever succeeded, for backfill selection.
 */
export class PartitionStatusByActivity1734000000000 implements MigrationInterface {
  name = 'PartitionStatusByActivity1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW ops.partition_status');
    await queryRunner.query(`
      CREATE VIEW ops.partition_status AS
      SELECT DISTINCT ON (pipeline, partition_key)
        pipeline, partition_key, id AS run_id, attempt, trigger, status, started_at, finished_at,
        rows_read, rows_written, error, metadata,
        bool_or(status IN ('succeeded', 'failed')) OVER (PARTITION BY pipeline, partition_key) AS ever_finished
      FROM ops.pipeline_runs
      WHERE status <> 'skipped'
      ORDER BY pipeline, partition_key, COALESCE(finished_at, started_at, queued_at) DESC, id DESC`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW ops.partition_status');
    await queryRunner.query(`
      CREATE VIEW ops.partition_status AS
      SELECT DISTINCT ON (pipeline, partition_key)
        pipeline, partition_key, id AS run_id, attempt, trigger, status, started_at, finished_at,
        rows_read, rows_written, error, metadata
      FROM ops.pipeline_runs
      WHERE status <> 'skipped'
      ORDER BY pipeline, partition_key, id DESC`);
  }
}

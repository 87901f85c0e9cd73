-- The run ledger, as its migrations create it
-- (libs/pipelines/src/ledger/migrations/1730000000000-create-run-ledger.ts and later).
CREATE SCHEMA IF NOT EXISTS ops;

CREATE TABLE ops.pipeline_runs (
  id bigserial NOT NULL,
  pipeline text NOT NULL,
  partition_key text NOT NULL,            -- YYYY-MM-DD (daily), YYYY-MM-DDTHH (hourly), 'all'
  attempt integer NOT NULL DEFAULT 1,
  trigger text NOT NULL,                  -- schedule | cli | backfill | api
  status text NOT NULL,                   -- queued | running | succeeded | failed | skipped
  queued_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  rows_read bigint,
  rows_written bigint,
  error text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  worker text,                            -- host:pid:instance of the process that ran the attempt
  heartbeat_at timestamptz,               -- stamped every 30 s while running (1735000000000-run-heartbeat.ts)
  CONSTRAINT pk_pipeline_runs PRIMARY KEY (id),
  CONSTRAINT ck_pipeline_runs_trigger CHECK (trigger IN ('schedule', 'cli', 'backfill', 'api')),
  CONSTRAINT ck_pipeline_runs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'skipped'))
);

-- The second guard: two running attempts of one partition are impossible.
CREATE UNIQUE INDEX ux_pipeline_runs_one_running ON ops.pipeline_runs (pipeline, partition_key) WHERE status = 'running';
CREATE INDEX ix_pipeline_runs_partition ON ops.pipeline_runs (pipeline, partition_key, id DESC);

-- Each partition's latest state: its most recent activity (a queued row keeps its id when its job
-- runs later), and whether it ever finished a run (succeeded or failed)
-- (libs/pipelines/src/ledger/migrations/1734000000000-partition-status-by-activity.ts).
CREATE VIEW ops.partition_status AS
SELECT DISTINCT ON (pipeline, partition_key)
  pipeline, partition_key, id AS run_id, attempt, trigger, status, started_at, finished_at,
  rows_read, rows_written, error, metadata,
  bool_or(status IN ('succeeded', 'failed')) OVER (PARTITION BY pipeline, partition_key) AS ever_finished
FROM ops.pipeline_runs
WHERE status <> 'skipped'
ORDER BY pipeline, partition_key, COALESCE(finished_at, started_at, queued_at) DESC, id DESC;

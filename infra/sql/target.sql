-- The telemetry target database, as its migration creates it
-- (libs/telemetry/src/target/migrations/1730100000000-create-target-schema.ts).
CREATE SCHEMA IF NOT EXISTS target;

CREATE TABLE target.signal (
  id smallserial NOT NULL,
  name text NOT NULL,
  CONSTRAINT pk_target_signal PRIMARY KEY (id),
  CONSTRAINT uq_target_signal_name UNIQUE (name)
);

-- One row per (10-minute bucket, signal); value is null where a statistic is undefined
-- (the standard deviation of a bucket with a single reading).
CREATE TABLE target.data (
  "timestamp" timestamptz(3) NOT NULL,
  signal_id smallint NOT NULL,
  value double precision,
  CONSTRAINT pk_target_data PRIMARY KEY ("timestamp", signal_id),
  CONSTRAINT fk_target_data_signal FOREIGN KEY (signal_id) REFERENCES target.signal (id)
);

INSERT INTO target.signal (name) VALUES
  ('wind_speed_mean'), ('wind_speed_min'), ('wind_speed_max'), ('wind_speed_std'),
  ('power_mean'), ('power_min'), ('power_max'), ('power_std');

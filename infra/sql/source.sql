-- The telemetry source database, as its migration creates it
-- (libs/telemetry/src/source/migrations/1727740800000-create-source-data.ts).
-- The seed's column "ambient_temprature" is spelled ambient_temperature here.
CREATE SCHEMA IF NOT EXISTS source;

CREATE TABLE source.data (
  "timestamp" timestamptz(3) NOT NULL,
  wind_speed double precision,          -- m/s at 10 m
  power double precision,               -- kW
  ambient_temperature double precision, -- °C at 2 m
  CONSTRAINT pk_source_data PRIMARY KEY ("timestamp")
);

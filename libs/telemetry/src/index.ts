export { VARIABLES, VARIABLE_NAMES, isVariableName, type VariableName } from './variables';
export { SOURCE_ROLE, SOURCE_DATA_TABLE } from './source/source-schema';
export { SOURCE_MIGRATIONS } from './source/migrations';
export {
  BASEL_WEATHER_CSV,
  parseBaselWeather,
  readBaselWeather,
  type HourlyWeather,
} from './seeding/basel-weather';
export { interpolateToMinutes, MINUTE_MS, type TimedValue } from './seeding/interpolate';
export { DEMO_TURBINE, kmhToMs, powerKw, type PowerCurve } from './seeding/power-curve';
export { hashNoise, mulberry32 } from './seeding/noise';
export {
  randomReadings,
  readingsFromWeather,
  type RandomReadingsOptions,
  type ReadingColumns,
} from './seeding/synthesize';
export { hasReadings, upsertReadings, type SeedResult } from './seeding/source-writer';
export { parseIsoTimestamp } from './readings/timestamp';
export {
  decodeCursor,
  encodeCursor,
  negotiateFormat,
  orderVariables,
  READINGS_FORMATS,
  READINGS_PAGE_LIMIT,
  splitVariables,
  unknownVariables,
  type ReadingsFormat,
  type ReadingsPageQuery,
  type ReadingsRange,
} from './readings/readings-query';
export { ReadingsFormatter, type ReadingRow } from './readings/readings-format';
export {
  ReadingsRepository,
  type ReadingsRepositoryOptions,
  type VariableCoverage,
} from './readings/readings-repository';
export { TARGET_ROLE, STATISTICS, signalName, type Statistic } from './target/target-schema';
export { TARGET_MIGRATIONS } from './target/migrations';
export {
  aggregateReadings,
  BucketAggregator,
  BUCKET_MS,
  type EtlReading,
  type SignalValue,
} from './etl/aggregate';
export { extractReadings, ExtractError, parseReadingLine, type ExtractOptions } from './etl/extract';
export { replaceWindow } from './etl/load';
export { telemetryEtlPipeline, TELEMETRY_ETL, type TelemetryEtlOptions } from './etl/telemetry-etl';

import 'reflect-metadata';
import {
  createLogger,
  onShutdown,
  parseCommandArgs,
  runCommands,
  stopEmbeddedPostgres,
  UsageError,
} from '@caudal/platform';
import {
  hasReadings,
  randomReadings,
  readBaselWeather,
  readingsFromWeather,
  upsertReadings,
} from '@caudal/telemetry';
import { createConnectorApp, loadConnectorConfig, openSource } from './connector';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The seed's noise generator takes a 32-bit seed. */
const MAX_SEED = 2 ** 32 - 1;
/** Ten years of 1-minute readings (5.3 million), built in memory before they are written. */
const MAX_DAYS = 3660;

function positiveInt(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  return Number(text);
}

function dateMs(text: string | undefined, fallback: string): number {
  const value = text ?? fallback;
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`--from must be a real date as YYYY-MM-DD, got "${value}"`);
  }
  return ms;
}

runCommands('connector', {
  serve: {
    summary: 'Apply pending migrations and serve the connector API (PORT, default 3001)',
    async run(args) {
      parseCommandArgs(args, {});
      const config = loadConnectorConfig();
      const logger = createLogger('connector-api', config.LOG_LEVEL);
      const source = await openSource(config.SOURCE_DATABASE_URL);
      const app = await createConnectorApp(source, logger);
      await app.listen({ port: config.PORT, host: config.HOST });
      logger.info({ url: await app.getUrl(), database: source.describe() }, 'connector API listening');
      onShutdown(async () => {
        await app.close();
        await source.close();
        await stopEmbeddedPostgres();
      });
    },
  },
  migrate: {
    summary: 'Apply pending migrations of the source database, then exit',
    async run(args) {
      parseCommandArgs(args, {});
      const config = loadConnectorConfig();
      const source = await openSource(config.SOURCE_DATABASE_URL);
      process.stdout.write(`source database migrated: ${source.describe()}\n`);
      await source.close();
      await stopEmbeddedPostgres();
    },
  },
  seed: {
    summary: 'Load 1-minute readings: derived from the Basel weather export (default), or random',
    usage: 'connector seed [--if-empty] | connector seed --random [--seed N] [--from YYYY-MM-DD] [--days N]',
    async run(args) {
      const { values } = parseCommandArgs(args, {
        random: { type: 'boolean', default: false },
        seed: { type: 'string' },
        from: { type: 'string' },
        days: { type: 'string' },
        'if-empty': { type: 'boolean', default: false },
      });
      if (!values.random && (values.from !== undefined || values.days !== undefined)) {
        throw new UsageError(
          '--from and --days apply to --random only (the Basel export covers its own period)',
        );
      }
      const seed = positiveInt('seed', values.seed, 42, MAX_SEED);
      const columns = values.random
        ? randomReadings({
            seed,
            fromMs: dateMs(values.from, '2024-10-01'),
            days: positiveInt('days', values.days, 10, MAX_DAYS),
          })
        : readingsFromWeather(readBaselWeather(), seed);
      const config = loadConnectorConfig();
      const source = await openSource(config.SOURCE_DATABASE_URL);
      try {
        if (values['if-empty'] && (await hasReadings(source.pgPool()))) {
          process.stdout.write('source.data already holds readings; nothing to do (--if-empty)\n');
          return;
        }
        const started = Date.now();
        const result = await upsertReadings(source.pgPool(), columns);
        const first = new Date(columns.epochMs[0]!).toISOString();
        const last = new Date(columns.epochMs[columns.epochMs.length - 1]!).toISOString();
        process.stdout.write(
          `seeded ${result.rows} readings ${first} .. ${last} into ${source.describe()} in ${Date.now() - started} ms: ` +
            `${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged\n`,
        );
      } finally {
        await source.close();
        await stopEmbeddedPostgres();
      }
    },
  },
});

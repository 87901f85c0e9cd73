import 'reflect-metadata';
import {
  createLogger,
  onShutdown,
  parseCommandArgs,
  runCommands,
  stopEmbeddedPostgres,
} from '@caudal/platform';
import { createRecordsApp, loadRecordsApiConfig, openRecords, tokenRegistry } from './records-api';

runCommands('records-api', {
  serve: {
    summary: 'Apply pending migrations and serve the records API (PORT, default 3002)',
    async run(args) {
      parseCommandArgs(args, {});
      const config = loadRecordsApiConfig();
      const tokens = tokenRegistry(config);
      const logger = createLogger('records-api', config.LOG_LEVEL);
      const records = await openRecords(config.RECORDS_DATABASE_URL);
      const app = await createRecordsApp(records, tokens, logger);
      await app.listen({ port: config.PORT, host: config.HOST });
      logger.info(
        { url: await app.getUrl(), database: records.describe(), tokens: tokens.size },
        'records API listening',
      );
      onShutdown(async () => {
        await app.close();
        await records.close();
        await stopEmbeddedPostgres();
      });
    },
  },
});

import { CreateSourceData1727740800000 } from './1727740800000-create-source-data';

/** Source database migrations, in order. */
export const SOURCE_MIGRATIONS = [CreateSourceData1727740800000];

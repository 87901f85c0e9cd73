import { CreateRecordsSchema1731000000000 } from './1731000000000-create-records-schema';

/** The records database's role (its schema) and migrations, in order. */
export const RECORDS_ROLE = 'records';
export const RECORDS_MIGRATIONS = [CreateRecordsSchema1731000000000];

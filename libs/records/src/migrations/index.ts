import { CreateRecordsSchema1731000000000 } from './1731000000000-create-records-schema';
import { AddContactLookupIndexes1732000000000 } from './1732000000000-add-contact-lookup-indexes';
import { CaseInsensitiveNames1733000000000 } from './1733000000000-case-insensitive-names';

/** The records database's role (its schema) and migrations, in order. */
export const RECORDS_ROLE = 'records';
export const RECORDS_MIGRATIONS = [
  CreateRecordsSchema1731000000000,
  AddContactLookupIndexes1732000000000,
  CaseInsensitiveNames1733000000000,
];

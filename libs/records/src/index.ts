export { CsvParser, DEFAULT_CSV_LIMITS, type CsvLimits, type CsvRecord } from './csv/csv-parser';
export {
  checkContactRow,
  CONTACT_COLUMNS,
  CONTACT_FIELD_MAX_LENGTH,
  EMAIL_PATTERN,
  headerProblem,
  normalizeZip,
  STATE_PATTERN,
  type ContactColumn,
  type ContactRow,
  type RowCheck,
} from './contacts/contact-row';
export { RECORDS_MIGRATIONS, RECORDS_ROLE } from './migrations';
export { FileChangedError } from './ingest/contacts-file';
export {
  ingestContactsFile,
  isConnectionError,
  MERGE_STEPS,
  type IngestionProgress,
  type MergeStep,
  type IngestionStatus,
  type IngestionSummary,
  type IngestOptions,
} from './ingest/ingest-file';
export { SAMPLE_CONTACTS_CSV } from './contacts/sample';
export {
  CONTACT_LIST_DEFAULT_LIMIT,
  CONTACT_LIST_MAX_LIMIT,
  CONTACT_SORT_FIELDS,
  contactListClauses,
  isContactSortField,
  parseContactSort,
  type ContactQuery,
  type ContactSort,
  type ContactSortField,
} from './contacts/contact-query';
export {
  ContactNotFoundError,
  ContactsRepository,
  DuplicateEmailError,
  VersionMismatchError,
  type ContactFields,
  type ContactPatch,
  type ExpectedVersion,
  type StoredContact,
} from './contacts/contacts-repository';
export { CONTACT_BY_ID, contactListSql } from './contacts/contacts-sql';

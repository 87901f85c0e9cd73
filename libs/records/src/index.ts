export { CsvParser, type CsvRecord } from './csv/csv-parser';
export {
  checkContactRow,
  CONTACT_COLUMNS,
  EMAIL_PATTERN,
  headerProblem,
  normalizeZip,
  STATE_PATTERN,
  type ContactColumn,
  type ContactRow,
  type RowCheck,
} from './contacts/contact-row';
export { RECORDS_MIGRATIONS, RECORDS_ROLE } from './migrations';
export { ingestContactsFile, type IngestionStatus, type IngestionSummary } from './ingest/ingest-file';
export { SAMPLE_CONTACTS_CSV } from './contacts/sample';

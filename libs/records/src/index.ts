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

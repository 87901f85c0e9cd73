export { XlsxWorkbook } from './xlsx/xlsx-workbook';
export {
  columnLetters,
  columnOfReference,
  SheetFormatError,
  SheetXmlScanner,
  type CellError,
  type CellValue,
  type SheetRow,
} from './xlsx/sheet-xml-scanner';
export { ZipArchive, ZipFormatError } from './xlsx/zip-archive';
export {
  BLANK,
  cellAddress,
  INVALID,
  personId,
  relationCode,
  type CellReject,
  type RelationCode,
} from './workbook/cell-values';
export {
  MATRIX_LAYOUT,
  MatrixSheet,
  WorkbookLayoutError,
  type MatrixHeader,
  type MatrixRow,
} from './workbook/matrix-sheet';
export { ACTOR_LAYOUT, ActorList, type Actor } from './workbook/actor-list';
export { diffRows, PairChanges, StoredRelations, UNKNOWN, type DiffCounts } from './diff/relation-diff';
export { labelDisagreements, mergePeople, type PersonFacts, type PersonRecord } from './diff/people-merge';
export { MYSQL_SCHEMA, POSTGRES_SCHEMA, RELATIONS_MIGRATIONS, RELATIONS_ROLE } from './migrations';
export {
  LoadInProgressError,
  type LoadCounts,
  type LoadFile,
  type LoadRecord,
  type RelationsSession,
  type RelationsStore,
} from './store/relations-store';
export { relationsStore } from './store/open-store';
export { isWorkbookName, newestWorkbook } from './load/drop-dir';
export { fileVersion } from './load/file-version';
export {
  ACTORS_SHEET,
  loadWorkbook,
  MATRIX_SHEET,
  type LoadedSummary,
  type LoadOptions,
  type LoadSummary,
  type UnchangedSummary,
} from './load/load-workbook';
export {
  loadOutcome,
  RELATIONS_PIPELINE,
  relationsPipeline,
  type RelationsPipelineOptions,
  type WorkbookSource,
} from './pipeline/relations-pipeline';
export { RELATIONS_SAMPLE_XLSX } from './sample';

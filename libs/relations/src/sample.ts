import { join } from 'node:path';

/** The real relationship workbook of seed 004 (exercise 1), shipped with the library. */
export const RELATIONS_SAMPLE_XLSX = join(__dirname, '..', 'data', 'relaciones.xlsx');

import { join } from 'node:path';

/** The real contacts file of seed 004 (106 rows, 100 people), shipped with the repo. */
export const SAMPLE_CONTACTS_CSV = join(__dirname, '../../data/Sample.csv');

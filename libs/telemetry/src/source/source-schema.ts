/** The source database's role; its tables live in the schema of the same name. */
export const SOURCE_ROLE = 'source';
export const SOURCE_DATA_TABLE = `${SOURCE_ROLE}.data`;

import { CreateRelationsSchema1732000000000 } from './1732000000000-create-relations-schema';

/** The relations database's role (its schema on PostgreSQL) and migrations, in order. */
export const RELATIONS_ROLE = 'relations';
export const RELATIONS_MIGRATIONS = [CreateRelationsSchema1732000000000];
export { MYSQL_SCHEMA, POSTGRES_SCHEMA } from './1732000000000-create-relations-schema';

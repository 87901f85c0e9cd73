import { CreateTargetSchema1730100000000 } from './1730100000000-create-target-schema';

/** Target database migrations, in order. */
export const TARGET_MIGRATIONS = [CreateTargetSchema1730100000000];

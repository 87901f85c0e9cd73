import { CreateRunLedger1730000000000 } from './1730000000000-create-run-ledger';
import { PartitionStatusByActivity1734000000000 } from './1734000000000-partition-status-by-activity';
import { RunHeartbeat1735000000000 } from './1735000000000-run-heartbeat';

/** The ops database's migrations (run ledger), in order. */
export const OPS_MIGRATIONS = [
  CreateRunLedger1730000000000,
  PartitionStatusByActivity1734000000000,
  RunHeartbeat1735000000000,
];
export const OPS_ROLE = 'ops';

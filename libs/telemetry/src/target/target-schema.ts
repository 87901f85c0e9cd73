import type { VariableName } from '../variables';

/** The target database's role; its tables (signal, data) live in the schema of the same name. */
export const TARGET_ROLE = 'target';

export const STATISTICS = ['mean', 'min', 'max', 'std'] as const;
export type Statistic = (typeof STATISTICS)[number];

export function signalName(variable: VariableName, statistic: Statistic): string {
  return `${variable}_${statistic}`;
}

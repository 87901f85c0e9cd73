import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
type OptionValue<S> = S extends { type: 'boolean' } ? boolean : string;
export type ParsedOptions<T extends OptionSpecs> = {
  [K in keyof T]?: T[K] extends { multiple: true } ? OptionValue<T[K]>[] : OptionValue<T[K]>;
};

/**
 * parseArgs that reports unknown or malformed options as a UsageError, and an option given more
 * than once unless it is declared `multiple` (node's parseArgs would silently keep the last one).
 */
export function parseCommandArgs<T extends OptionSpecs>(
  args: string[],
  options: T,
): { values: ParsedOptions<T> } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const repeated = repeatedOption(parsed.tokens ?? [], options);
  if (repeated !== undefined) throw new UsageError(`--${repeated} given more than once`);
  return { values: parsed.values as ParsedOptions<T> };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** The first option not declared `multiple` that the tokens hold twice (by long name: -d and --date count as one). */
function repeatedOption(tokens: readonly Token[], options: OptionSpecs): string | undefined {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) return token.name;
    seen.add(token.name);
  }
  return undefined;
}

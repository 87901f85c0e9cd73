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
 * `positionals` names the arguments the command takes besides its options (e.g. `['FILE']`), each
 * required; none by default. A missing or extra one is a UsageError too.
 */
export function parseCommandArgs<T extends OptionSpecs>(
  args: string[],
  options: T,
  positionals: readonly string[] = [],
): { values: ParsedOptions<T>; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: positionals.length > 0,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError(firstSentence(error as Error & { code?: string }));
  }
  const repeated = repeatedOption(parsed.tokens ?? [], options);
  if (repeated !== undefined) throw new UsageError(`--${repeated} given more than once`);
  const [missing] = positionals.slice(parsed.positionals.length);
  if (missing !== undefined) throw new UsageError(`${missing} is required`);
  const [extra] = parsed.positionals.slice(positionals.length);
  if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}'`);
  return { values: parsed.values as ParsedOptions<T>, positionals: parsed.positionals };
}

/**
 * node's message in one line. An unknown option reads the same whether the command takes
 * positionals or not (`Unknown option '--bogus'`): node's hint about `--` is left out.
 */
function firstSentence(error: Error & { code?: string }): string {
  const line = error.message.split('\n')[0] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return line.replace(/^(Unknown option '[^']*')\..*$/, '$1');
  return line;
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

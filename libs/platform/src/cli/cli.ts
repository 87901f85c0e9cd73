import { setMaxListeners } from 'node:events';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigValidationError } from '../config/env-config';

/** A bad command line: printed as one line and answered with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** parseArgs that reports unknown or malformed options as a UsageError. */
type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type ParsedOptions<T extends OptionSpecs> = {
  [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : string;
};

export function parseCommandArgs<T extends OptionSpecs>(
  args: string[],
  options: T,
): { values: ParsedOptions<T> } {
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return { values: values as ParsedOptions<T> };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

export interface Command {
  summary: string;
  usage?: string;
  run(args: string[]): Promise<number | void>;
}

function help(program: string, commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) =>
      `  ${name.padEnd(width)}  ${command.summary}${command.usage ? `\n  ${' '.repeat(width)}  usage: ${command.usage}` : ''}`,
  );
  return `Usage: ${program} <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

/**
 * Runs one command of a program and exits: 0 on success (or the command's own code), 1 on a
 * failure, 2 on a bad command line or bad configuration, with a one-line reason on stderr.
 */
export function runCommands(
  program: string,
  commands: Record<string, Command>,
  argv = process.argv.slice(2),
): void {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help(program, commands));
    process.exit(name ? EXIT.ok : EXIT.usage);
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(
      `${program}: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})\n`,
    );
    process.exit(EXIT.usage);
  }
  command.run(args).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(
          `${program} ${name}: ${error.message}${command.usage ? `\nusage: ${command.usage}` : ''}\n`,
        );
        process.exit(EXIT.usage);
      }
      if (error instanceof ConfigValidationError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(EXIT.usage);
      }
      process.stderr.write(`${program} ${name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(EXIT.failed);
    },
  );
}

/** Runs `cleanup` once on SIGINT / SIGTERM, then exits 0 (or 1 if the cleanup failed). */
export function onShutdown(cleanup: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`received ${signal}, shutting down\n`);
    cleanup().then(
      () => process.exit(EXIT.ok),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(EXIT.failed);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * For one-shot commands that stop cleanly: the returned signal aborts on the first SIGINT / SIGTERM
 * (work in progress winds down and is recorded); a second one exits at once with code 130.
 * `dispose` removes the handlers.
 */
export function interruptOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every request of every run in flight listens on it (a backfill runs up to 32 at once).
  setMaxListeners(256, controller.signal);
  const handle = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`received ${signal} again, exiting now\n`);
      process.exit(130);
    }
    process.stderr.write(
      `received ${signal}: stopping after the runs in progress are recorded (again to exit now)\n`,
    );
    controller.abort(new Error(`stopped by ${signal}`));
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handle);
      process.off('SIGTERM', handle);
    },
  };
}

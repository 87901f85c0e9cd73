import { setMaxListeners } from 'node:events';
import { ConfigValidationError } from '../config/env-config';
import { asksForHelp, commandHelp, isHelpFlag, programHelp } from './command-help';
import { describeFailure, failureReport } from './failure-message';
import { UsageError } from './usage-error';

export { parseCommandArgs, type ParsedOptions } from './command-args';
export { UsageError } from './usage-error';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface Command {
  summary: string;
  usage?: string;
  run(args: string[]): Promise<number | void>;
}

/** Where a command line writes, and the environment it reads (LOG_LEVEL: whether a failure shows its stack). */
export interface CommandLineIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

/**
 * How a command line ended. `exitNow`: help, a bad command line, bad configuration or a failure,
 * the process exits with `code` at once. Otherwise the command finished and its `code` (if it gave
 * one) is the exit code once the process has nothing left to do (a server keeps running).
 */
export interface CommandLineOutcome {
  code: number | undefined;
  exitNow: boolean;
}

function errorText(
  program: string,
  name: string,
  command: Command,
  error: unknown,
  env: NodeJS.ProcessEnv,
): string {
  if (error instanceof UsageError) {
    return `${program} ${name}: ${error.message}${command.usage ? `\nusage: ${command.usage}` : ''}\n`;
  }
  if (error instanceof ConfigValidationError) return `${error.message}\n`;
  return failureReport(`${program} ${name}`, error, env);
}

/**
 * Runs one command line of a program: `<program> [--help]` prints every command, `<program> <command>
 * --help` that command's usage (before the command checks its arguments), else the command runs. A
 * failure is one line on stderr; a bad command line or configuration answers exit code 2.
 */
export async function runCommandLine(
  program: string,
  commands: Record<string, Command>,
  argv: readonly string[],
  io: CommandLineIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<CommandLineOutcome> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || isHelpFlag(name)) {
    io.stdout.write(programHelp(program, commands));
    return { code: name ? EXIT.ok : EXIT.usage, exitNow: true };
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr.write(
      `${program}: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')})\n`,
    );
    return { code: EXIT.usage, exitNow: true };
  }
  if (asksForHelp(args)) {
    io.stdout.write(commandHelp(program, name, command));
    return { code: EXIT.ok, exitNow: true };
  }
  try {
    const code = await command.run(args);
    return { code: code ?? undefined, exitNow: false };
  } catch (error) {
    io.stderr.write(errorText(program, name, command, error, io.env));
    const usage = error instanceof UsageError || error instanceof ConfigValidationError;
    return { code: usage ? EXIT.usage : EXIT.failed, exitNow: true };
  }
}

/**
 * Runs one command of a program (see runCommandLine) and exits: 0 on success (or the command's own
 * code), 1 on a failure, 2 on a bad command line or bad configuration, with a one-line reason on stderr.
 */
export function runCommands(
  program: string,
  commands: Record<string, Command>,
  argv = process.argv.slice(2),
): void {
  void runCommandLine(program, commands, argv).then(({ code, exitNow }) => {
    if (exitNow) process.exit(code);
    if (code !== undefined) process.exitCode = code;
  });
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
        process.stderr.write(`shutdown failed: ${describeFailure(error)}\n`);
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

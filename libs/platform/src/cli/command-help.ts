import type { Command } from './cli';

/** The help flags: `<program> --help`, and `<program> <command> --help` for one command. */
export function isHelpFlag(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

/** True when a command's arguments ask for its help (a --help or -h before any `--` terminator). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some(isHelpFlag);
}

/** `<program> <command> --help`: the command's usage (a command without one takes no arguments) and what it does. */
export function commandHelp(program: string, name: string, command: Command): string {
  return `Usage: ${command.usage ?? `${program} ${name}`}\n\n${command.summary}\n`;
}

/** `<program> --help`: every command with its summary and usage. */
export function programHelp(program: string, commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) =>
      `  ${name.padEnd(width)}  ${command.summary}${command.usage ? `\n  ${' '.repeat(width)}  usage: ${command.usage}` : ''}`,
  );
  return (
    `Usage: ${program} <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
    `"${program} <command> --help" shows one command's usage.\n`
  );
}

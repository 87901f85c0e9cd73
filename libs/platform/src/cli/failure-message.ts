import { inspect } from 'node:util';

/** Log levels at which a failed command prints the error's stack (and everything else it holds). */
const STACK_LOG_LEVELS = ['debug', 'trace'];

/** How deep causes (and the errors inside an AggregateError) are followed. */
const MAX_DEPTH = 4;

interface ErrorFields {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}

/**
 * Why something failed, in one line and without a stack: the error's message; for an
 * AggregateError (a connection refused on both ::1 and 127.0.0.1) the messages inside it; its
 * `code` (pg's SQLSTATE, a system error code) when the message does not already say it; then the
 * message of its `cause`, and so on.
 */
export function describeFailure(error: unknown): string {
  return describe(error, [], 0) || 'unknown error';
}

/** `outer`: the errors being described around this one (a cause that loops back is left out). */
function describe(error: unknown, outer: readonly object[], depth: number): string {
  if (typeof error !== 'object' || error === null) return oneLine(String(error));
  if (outer.includes(error) || depth > MAX_DEPTH) return '';
  const within = [...outer, error];
  const { message, code, cause, errors } = error as ErrorFields;
  let text = typeof message === 'string' ? oneLine(message) : '';
  if (Array.isArray(errors) && errors.length > 0) {
    const inner = [...new Set(errors.map((item) => describe(item, within, depth + 1)))]
      .filter((item) => item !== '')
      .join('; ');
    if (inner !== '') text = text === '' ? inner : `${text} (${inner})`;
  }
  if ((typeof code === 'string' || typeof code === 'number') && !text.includes(String(code))) {
    text = text === '' ? `code ${code}` : `${text} (code ${code})`;
  }
  if (cause !== undefined && cause !== null) {
    const because = describe(cause, within, depth + 1);
    if (because !== '' && !text.includes(because)) text = text === '' ? because : `${text}: ${because}`;
  }
  if (text !== '') return text;
  return error instanceof Error ? error.name : oneLine(String(error));
}

/** True when LOG_LEVEL asks for the details of a failure (debug or trace). */
export function showsStack(env: NodeJS.ProcessEnv): boolean {
  return STACK_LOG_LEVELS.includes((env['LOG_LEVEL'] ?? '').trim().toLowerCase());
}

/**
 * What a failed command prints: one line, `<what> failed: <why>`; with LOG_LEVEL debug or trace,
 * followed by the error in full (stack, cause, inner errors, fields such as pg's detail).
 */
export function failureReport(what: string, error: unknown, env: NodeJS.ProcessEnv): string {
  const line = `${what} failed: ${describeFailure(error)}`;
  if (showsStack(env)) return `${line}\n${inspect(error, { depth: MAX_DEPTH })}\n`;
  return `${line} (LOG_LEVEL=debug shows the stack)\n`;
}

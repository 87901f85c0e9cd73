import { NonRetryableError, backoffDelayMs, type RetryPolicy } from '@caudal/pipelines';
import got, { RequestError } from 'got';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VariableName } from '../variables';
import type { EtlReading } from './aggregate';

export interface ExtractOptions {
  /** Base URL of the connector API, e.g. http://localhost:3001 */
  connectorUrl: string;
  variables: readonly VariableName[];
  /** Connect and first-byte timeouts, and the longest silence while streaming (ms); a long stream that keeps sending is not cut. */
  timeoutMs: number;
  /** Retries of the request on connection errors, timeouts and 5xx (4xx are never retried). */
  retry: RetryPolicy;
  signal?: AbortSignal;
}

/** A failure worth retrying: the connector unreachable, slow, or answering 5xx. */
export class ExtractError extends Error {
  override name = 'ExtractError';
}

const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function readingsUrl(options: ExtractOptions, window: { start: Date; end: Date }): string {
  const url = new URL('/v1/readings', options.connectorUrl);
  url.searchParams.set('start', window.start.toISOString());
  url.searchParams.set('end', window.end.toISOString());
  url.searchParams.set('variables', options.variables.join(','));
  url.searchParams.set('format', 'ndjson');
  return url.toString();
}

/** Parses one NDJSON line into a reading; throws NonRetryableError for anything malformed. */
export function parseReadingLine(
  line: string,
  lineNumber: number,
  variables: readonly VariableName[],
): EtlReading {
  let item: unknown;
  try {
    item = JSON.parse(line);
  } catch {
    throw new NonRetryableError(`connector stream line ${lineNumber} is not JSON: ${line.slice(0, 120)}`);
  }
  const record = item as Record<string, unknown> | null;
  const epochMs = typeof record?.['timestamp'] === 'string' ? Date.parse(record['timestamp']) : Number.NaN;
  if (!record || Number.isNaN(epochMs)) {
    throw new NonRetryableError(
      `connector stream line ${lineNumber} has no valid timestamp: ${line.slice(0, 120)}`,
    );
  }
  const values: Record<string, number | null> = {};
  for (const variable of variables) {
    const value = record[variable];
    if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new NonRetryableError(
        `connector stream line ${lineNumber} has no numeric ${variable}: ${line.slice(0, 120)}`,
      );
    }
    values[variable] = value;
  }
  return { epochMs, values };
}

async function* lines(stream: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.write(chunk);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.length > 0) yield line;
    }
  }
  pending += decoder.end();
  if (pending.length > 0) yield pending;
}

/** Connection errors and timeouts are ExtractErrors (retried); any other failure is final. */
function classify(error: unknown): Error {
  if (error instanceof NonRetryableError || error instanceof ExtractError) return error;
  if (error instanceof RequestError) {
    const code = error.code;
    if (error.name === 'TimeoutError') {
      return new ExtractError(`connector API timed out (${code}): ${error.message}`);
    }
    if (RETRYABLE_CODES.has(code)) {
      return new ExtractError(`connector API unreachable (${code}): ${error.message}`);
    }
    return new NonRetryableError(`connector API request failed (${code}): ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * One attempt: streams the window's readings as NDJSON and hands each to `onReading`. A 4xx answer
 * fails with the API's own message; 5xx, connection errors and timeouts are ExtractErrors.
 */
async function streamOnce(
  options: ExtractOptions,
  window: { start: Date; end: Date },
  onReading: (reading: EtlReading) => void,
): Promise<void> {
  const stream = got.stream(readingsUrl(options, window), {
    headers: { accept: 'application/x-ndjson' },
    // connect and first byte each within timeoutMs; then `socket` bounds any silence on the
    // connection, however long the whole stream takes (got's `read` would bound the whole body).
    timeout: { connect: options.timeoutMs, response: options.timeoutMs, socket: options.timeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const response = await new Promise<{ statusCode: number }>((resolve, reject) => {
    stream.once('response', resolve);
    stream.once('error', reject);
  });
  if (response.statusCode >= 400) {
    let body = '';
    for await (const chunk of stream) body += String(chunk);
    const message = `connector API answered ${response.statusCode}: ${body.slice(0, 500)}`;
    if (response.statusCode >= 500) throw new ExtractError(message);
    throw new NonRetryableError(message);
  }
  let lineNumber = 0;
  for await (const line of lines(stream)) onReading(parseReadingLine(line, ++lineNumber, options.variables));
}

/**
 * Streams the window's readings from the connector API, retrying the whole request (with backoff)
 * on retryable failures. `reset` is called before each retry so the caller starts from scratch.
 */
export async function extractReadings(
  options: ExtractOptions,
  window: { start: Date; end: Date },
  onReading: (reading: EtlReading) => void,
  reset: () => void,
): Promise<{ attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      await streamOnce(options, window, onReading);
      return { attempts: attempt };
    } catch (raw) {
      const error = classify(raw);
      if (!(error instanceof ExtractError) || attempt >= options.retry.attempts) throw error;
      if (options.signal?.aborted) throw error; // stopping: no retry
      // The wait ends early when the run is stopped (shutdown, Ctrl-C), with this attempt's error.
      await sleep(backoffDelayMs(attempt, options.retry), undefined, { signal: options.signal }).catch(() => {
        throw error;
      });
      reset();
    }
  }
}

import { isVariableName, VARIABLE_NAMES, type VariableName } from '../variables';
import { negotiateMediaType } from './accept';

export const READINGS_PAGE_LIMIT = { default: 1440, max: 10_080 } as const;
export const READINGS_FORMATS = ['json', 'ndjson', 'csv'] as const;
export type ReadingsFormat = (typeof READINGS_FORMATS)[number];

/** A validated readings request over the half-open interval [start, end). */
export interface ReadingsRange {
  start: Date;
  end: Date;
  variables: VariableName[];
}

export interface ReadingsPageQuery extends ReadingsRange {
  limit: number;
  /** Keyset position: only readings strictly after this instant. */
  after?: Date;
}

/**
 * Normalizes the `variables` parameter, given as a comma list, a repeated parameter, or both.
 * Duplicates are dropped and the canonical column order is kept. An absent value means all.
 */
export function splitVariables(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [...VARIABLE_NAMES];
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => String(value).split(','));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

export function unknownVariables(names: readonly string[]): string[] {
  return names.filter((name) => !isVariableName(name));
}

/** Known variables in canonical order, without duplicates. */
export function orderVariables(names: readonly string[]): VariableName[] {
  return VARIABLE_NAMES.filter((name) => names.includes(name));
}

/** The media types each format is served for, JSON first (what a wildcard range gets). */
const FORMAT_MEDIA_TYPES: readonly (readonly [string, ReadingsFormat])[] = [
  ['application/json', 'json'],
  ['application/x-ndjson', 'ndjson'],
  ['application/ndjson', 'ndjson'],
  ['text/csv', 'csv'],
];

/**
 * Picks the response format: an explicit `format` wins, then the Accept header (weights honoured,
 * see negotiateMediaType), then JSON, also when the header accepts none of the formats.
 */
export function negotiateFormat(
  format: ReadingsFormat | undefined,
  accept: string | undefined,
): ReadingsFormat {
  if (format) return format;
  const mediaType = negotiateMediaType(
    accept ?? '',
    FORMAT_MEDIA_TYPES.map(([type]) => type),
  );
  return FORMAT_MEDIA_TYPES.find(([type]) => type === mediaType)?.[1] ?? 'json';
}

const CURSOR_PREFIX = 'r1.';

/** The opaque pagination cursor: the last returned timestamp, base64url-encoded with a version tag. */
export function encodeCursor(after: Date): string {
  return CURSOR_PREFIX + Buffer.from(String(after.getTime())).toString('base64url');
}

export function decodeCursor(cursor: string): Date | undefined {
  if (!cursor.startsWith(CURSOR_PREFIX)) return undefined;
  const body = cursor.slice(CURSOR_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return undefined;
  const text = Buffer.from(body, 'base64url').toString('utf8');
  if (!/^-?\d{1,15}$/.test(text)) return undefined;
  const date = new Date(Number(text));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

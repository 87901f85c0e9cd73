/** One element of an Accept header (RFC 9110 12.5.1): a media range and its weight. */
export interface MediaRange {
  /** Lower-case; `*` for any type. */
  type: string;
  /** Lower-case; `*` for any subtype. */
  subtype: string;
  /** 0 (not acceptable) to 1; 1 when not given. */
  q: number;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** Splits on a separator outside double-quoted strings (a quoted parameter value may hold one). */
function splitOutsideQuotes(text: string, separator: ',' | ';'): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\') {
      current += char + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** One media range, or undefined when malformed (a bad type, `*` type with a subtype, a bad q). */
function parseMediaRange(element: string): MediaRange | undefined {
  const [range = '', ...parameters] = splitOutsideQuotes(element, ';').map((part) => part.trim());
  const [type, subtype, ...rest] = range.toLowerCase().split('/');
  if (type === undefined || subtype === undefined || rest.length > 0) return undefined;
  if (!TOKEN.test(type) || !TOKEN.test(subtype) || (type === '*' && subtype !== '*')) return undefined;
  let q = 1;
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals < 1) return undefined;
    if (parameter.slice(0, equals).trim().toLowerCase() !== 'q') continue;
    const value = parameter.slice(equals + 1).trim();
    if (!QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { type, subtype, q };
}

/** The media ranges of an Accept header, in order; malformed and empty elements are left out. */
export function parseAccept(header: string): MediaRange[] {
  return splitOutsideQuotes(header, ',')
    .filter((element) => element.trim() !== '')
    .flatMap((element) => parseMediaRange(element) ?? []);
}

/** 2 for type/subtype, 1 for type/*, 0 for the full wildcard; undefined when the range does not cover the type. */
function specificity(range: MediaRange, type: string, subtype: string): number | undefined {
  if (range.type === '*') return 0;
  if (range.type !== type) return undefined;
  if (range.subtype === '*') return 1;
  return range.subtype === subtype ? 2 : undefined;
}

/**
 * The supported media type an Accept header prefers, or undefined when it accepts none of them.
 * Each type takes the weight of the most specific range that covers it (so `text/csv;q=0` next to
 * a wildcard range refuses CSV only); q=0 means not acceptable. The highest weight wins, then the more specific
 * range, then the range listed first, then the order of `supported`. Parameters other than q are
 * not compared.
 */
export function negotiateMediaType(accept: string, supported: readonly string[]): string | undefined {
  const ranges = parseAccept(accept);
  let best: { mediaType: string; q: number; specificity: number; position: number } | undefined;
  for (const mediaType of supported) {
    const [type = '', subtype = ''] = mediaType.toLowerCase().split('/');
    let match: { q: number; specificity: number; position: number } | undefined;
    ranges.forEach((range, position) => {
      const rank = specificity(range, type, subtype);
      if (rank !== undefined && (match === undefined || rank > match.specificity)) {
        match = { q: range.q, specificity: rank, position };
      }
    });
    if (match === undefined || match.q === 0) continue;
    const better =
      best === undefined ||
      match.q > best.q ||
      (match.q === best.q && match.specificity > best.specificity) ||
      (match.q === best.q && match.specificity === best.specificity && match.position < best.position);
    if (better) best = { mediaType, ...match };
  }
  return best?.mediaType;
}

import type { ExpectedVersion } from '@caudal/records';

/** The strong ETag of a contact at a version: "<id>.<version>" (so one contact's tag never matches another). */
export function contactEtag(id: number, version: number): string {
  return `"${id}.${version}"`;
}

/** One entity-tag of a list: weak (`W/"..."`) or strong, and its opaque-tag, quotes included. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/**
 * One list element and the comma or end after it (RFC 9110 5.6.1: optional whitespace around
 * commas, empty elements allowed). An entity-tag is `[W/]"etagc*"` where etagc is any visible
 * character but `"` (and obs-text): a comma inside the quotes belongs to the tag (8.8.3).
 */
const ELEMENT = /[ \t]*(?:(W\/)?("[\x21\x23-\x7e\x80-\xff]*"))?[ \t]*(?:,|$)/y;

/**
 * Parses the value of If-Match or If-None-Match (RFC 9110 13.1.1, 13.1.2): `*` alone, or a list of
 * entity-tags; undefined when it is neither (a bare word, an unclosed quote, `*` inside a list).
 */
export function parseEntityTags(header: string): '*' | EntityTag[] | undefined {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  for (let at = 0; at < header.length;) {
    ELEMENT.lastIndex = at;
    const match = ELEMENT.exec(header);
    if (!match || ELEMENT.lastIndex === at) return undefined;
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    at = ELEMENT.lastIndex;
  }
  return tags;
}

export type IfMatch =
  { kind: 'absent' } | { kind: 'any' } | { kind: 'tags'; tags: string[] } | { kind: 'bad' };

/** Parses If-Match: absent, `*`, or a list of entity tags, of which only the strong ones can match (RFC 9110 13.1.1). */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  const tags = parseEntityTags(header);
  if (tags === undefined) return { kind: 'bad' };
  if (tags === '*') return { kind: 'any' };
  return { kind: 'tags', tags: tags.filter((tag) => !tag.weak).map((tag) => tag.opaque) };
}

/**
 * Whether If-None-Match holds the current tag (weak comparison, RFC 9110 13.1.2): `*`, or any listed
 * tag with the same opaque-tag. A malformed value matches nothing (the request is answered in full).
 */
export function matchesNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEntityTags(header);
  if (tags === '*') return true;
  const current = etag.replace(/^W\//, '');
  return (tags ?? []).some((tag) => tag.opaque === current);
}

/**
 * The versions a write may find for a contact, from its If-Match: `*` accepts any version; tags of
 * this contact name versions; tags of other contacts and weak tags never match.
 */
export function expectedVersions(
  ifMatch: Exclude<IfMatch, { kind: 'absent' | 'bad' }>,
  id: number,
): ExpectedVersion {
  if (ifMatch.kind === 'any') return '*';
  return ifMatch.tags.flatMap((tag) => {
    const match = /^"(\d+)\.(\d+)"$/.exec(tag);
    return match && Number(match[1]) === id ? [Number(match[2])] : [];
  });
}

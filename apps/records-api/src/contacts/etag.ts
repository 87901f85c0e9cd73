import type { ExpectedVersion } from '@caudal/records';

/** The strong ETag of a contact at a version: "<id>.<version>" (so one contact's tag never matches another). */
export function contactEtag(id: number, version: number): string {
  return `"${id}.${version}"`;
}

export type IfMatch =
  { kind: 'absent' } | { kind: 'any' } | { kind: 'tags'; tags: string[] } | { kind: 'bad' };

/** Parses If-Match: absent, `*`, or a comma list of strong entity tags (weak tags never match, RFC 9110). */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  if (header.trim() === '*') return { kind: 'any' };
  const tags = header.split(',').map((tag) => tag.trim());
  if (!tags.every((tag) => /^(W\/)?"[^"]*"$/.test(tag))) return { kind: 'bad' };
  return { kind: 'tags', tags: tags.filter((tag) => !tag.startsWith('W/')) };
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

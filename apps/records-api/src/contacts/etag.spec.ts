import { contactEtag, expectedVersions, parseIfMatch } from './etag';

describe('ETag and If-Match', () => {
  it('tags a contact by id and version', () => {
    expect(contactEtag(12, 3)).toBe('"12.3"');
  });

  it('parses If-Match: absent, *, lists of tags, and malformed values', () => {
    expect(parseIfMatch(undefined)).toEqual({ kind: 'absent' });
    expect(parseIfMatch(' * ')).toEqual({ kind: 'any' });
    expect(parseIfMatch('"1.2", W/"1.3"')).toEqual({ kind: 'tags', tags: ['"1.2"'] });
    expect(parseIfMatch('1.2')).toEqual({ kind: 'bad' });
  });

  it('takes only the versions tagged for this contact', () => {
    expect(expectedVersions({ kind: 'any' }, 5)).toBe('*');
    expect(expectedVersions({ kind: 'tags', tags: ['"5.2"', '"6.3"', '"5.4"', '"x"'] }, 5)).toEqual([2, 4]);
    expect(expectedVersions({ kind: 'tags', tags: ['"15.2"'] }, 5)).toEqual([]);
  });
});

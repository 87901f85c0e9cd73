import { contactEtag, expectedVersions, matchesNoneMatch, parseEntityTags, parseIfMatch } from './etag';

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

  it('parses entity-tag lists as RFC 9110 does: commas inside quotes, empty elements, whitespace', () => {
    expect(parseEntityTags('"a,b", "1.2"')).toEqual([
      { weak: false, opaque: '"a,b"' },
      { weak: false, opaque: '"1.2"' },
    ]);
    expect(parseIfMatch('"x,y",W/"1.1" ,\t"1.2"')).toEqual({ kind: 'tags', tags: ['"x,y"', '"1.2"'] });
    expect(parseEntityTags(' , "1.2",, ')).toEqual([{ weak: false, opaque: '"1.2"' }]);
    expect(parseEntityTags('""')).toEqual([{ weak: false, opaque: '""' }]);
    expect(parseEntityTags('*')).toBe('*');
    for (const bad of ['"1.2" "1.3"', '"1.2', '1.2"', '*, "1.2"', 'W/', 'w/"1.2"', '"a"b"', '"a b"']) {
      expect([bad, parseEntityTags(bad)]).toEqual([bad, undefined]);
    }
    expect(parseIfMatch('*, "1.2"')).toEqual({ kind: 'bad' });
  });

  it('takes only the versions tagged for this contact', () => {
    expect(expectedVersions({ kind: 'any' }, 5)).toBe('*');
    expect(expectedVersions({ kind: 'tags', tags: ['"5.2"', '"6.3"', '"5.4"', '"x"'] }, 5)).toEqual([2, 4]);
    expect(expectedVersions({ kind: 'tags', tags: ['"15.2"'] }, 5)).toEqual([]);
  });

  it('If-None-Match: weak comparison over a list, * matches, a malformed value matches nothing', () => {
    expect(matchesNoneMatch('"a,b", W/"5.2"', '"5.2"')).toBe(true);
    expect(matchesNoneMatch('"x", "y"', 'W/"y"')).toBe(true);
    expect(matchesNoneMatch('"5.2,"', '"5.2"')).toBe(false);
    expect(matchesNoneMatch('*', '"5.2"')).toBe(true);
    expect(matchesNoneMatch('"5.2', '"5.2"')).toBe(false);
    expect(matchesNoneMatch(undefined, '"5.2"')).toBe(false);
  });
});

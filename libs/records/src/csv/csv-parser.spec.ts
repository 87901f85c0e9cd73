import { CsvParser, type CsvLimits, type CsvRecord } from './csv-parser';

function parseAll(text: string, chunkSize = text.length, limits: Partial<CsvLimits> = {}): CsvRecord[] {
  const parser = new CsvParser(limits);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += chunkSize) out.push(...parser.push(text.slice(i, i + chunkSize)));
  return [...out, ...parser.end()];
}

describe('CsvParser', () => {
  const text = '\ufeffa,b,c\r\n1,"x, y",3\r\n\r\n"he said ""hi""",,"multi\nline"\nlast,row,here';

  it('reads fields, quoted commas, escaped quotes, CRLF, a BOM and a missing final newline', () => {
    expect(parseAll(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'], raw: 'a,b,c' },
      { line: 2, fields: ['1', 'x, y', '3'], raw: '1,"x, y",3' },
      { line: 4, fields: ['he said "hi"', '', 'multi\nline'], raw: '"he said ""hi""",,"multi\nline"' },
      { line: 6, fields: ['last', 'row', 'here'], raw: 'last,row,here' },
    ]);
  });

  it.each([1, 2, 3, 5, 7])('gives the same records whatever the chunk size (%d)', (size) => {
    expect(parseAll(text, size)).toEqual(parseAll(text));
  });

  it('keeps short rows short (the caller decides what a wrong column count means)', () => {
    expect(parseAll('a,b\nonly\n').map((r) => r.fields)).toEqual([['a', 'b'], ['only']]);
  });

  it('strips a BOM that comes after an empty first chunk', () => {
    const parser = new CsvParser();
    parser.push('');
    expect([...parser.push('\ufeffa,b\n'), ...parser.end()]).toEqual([
      { line: 1, fields: ['a', 'b'], raw: 'a,b' },
    ]);
  });
});

describe('CsvParser with an unclosed quote', () => {
  const good = (i: number) => `p${i},q${i}`;

  it('rejects the record at the end of the file and still reads the rows after it', () => {
    const text = ['h1,h2', good(1), 'Ann,"Lee', good(2), good(3)].join('\n') + '\n';
    expect(parseAll(text)).toEqual([
      { line: 1, fields: ['h1', 'h2'], raw: 'h1,h2' },
      { line: 2, fields: ['p1', 'q1'], raw: 'p1,q1' },
      { line: 3, fields: [], raw: 'Ann,"Lee', error: 'unterminated quoted field starting at line 3' },
      { line: 4, fields: ['p2', 'q2'], raw: 'p2,q2' },
      { line: 5, fields: ['p3', 'q3'], raw: 'p3,q3' },
    ]);
  });

  it.each([1, 2, 3, 7, 64])(
    'gives the same records and line numbers whatever the chunk size (%d)',
    (size) => {
      // A stray quote, a legitimate two-line field, another stray quote, each past the 2-line limit.
      const limits = { maxRecordLineBreaks: 2 };
      const text = [
        'h1,h2',
        'Ann,"Lee',
        good(1),
        good(2),
        good(3),
        '"multi\r\nline",x',
        'Bo,"b',
        good(4),
      ].join('\r\n');
      const whole = parseAll(text, undefined, limits);
      expect(whole.map((r) => [r.line, r.error ?? r.fields.join('|')])).toEqual([
        [1, 'h1|h2'],
        [2, 'unterminated quoted field starting at line 2'],
        [3, 'p1|q1'],
        [4, 'p2|q2'],
        [5, 'p3|q3'],
        [6, 'multi\r\nline|x'],
        [8, 'unterminated quoted field starting at line 8'],
        [9, 'p4|q4'],
      ]);
      expect(parseAll(text, size, limits)).toEqual(whole);
    },
  );

  it('gives up once the quote stays open past the line limit, even if a later quote closes it', () => {
    const limits = { maxRecordLineBreaks: 2 };
    const lines = ['a,"open', good(1), good(2), good(3), 'x",y', good(4)];
    const records = parseAll(lines.join('\n'), undefined, limits);
    expect(records.map((r) => [r.line, r.error ?? r.fields.join('|')])).toEqual([
      [1, 'unterminated quoted field starting at line 1'],
      [2, 'p1|q1'],
      [3, 'p2|q2'],
      [4, 'p3|q3'],
      [5, 'x"|y'],
      [6, 'p4|q4'],
    ]);
    // Within the limit, a quoted field may span lines.
    expect(parseAll('a,"two\nlines"\nb,c', undefined, limits).map((r) => r.fields)).toEqual([
      ['a', 'two\nlines'],
      ['b', 'c'],
    ]);
  });

  it('names the line the quote opened on when the record started on an earlier line', () => {
    const records = parseAll('"one\ntwo",x,"three\n' + good(1) + '\n');
    expect(records).toEqual([
      {
        line: 1,
        fields: [],
        raw: '"one\ntwo",x,"three',
        error: 'unterminated quoted field starting at line 2',
      },
      { line: 3, fields: ['p1', 'q1'], raw: 'p1,q1' },
    ]);
  });

  it('holds no more than the limit in memory: a stray quote before a large file gives one reject and every row', () => {
    const parser = new CsvParser({ maxRecordChars: 1000 });
    let rows = 0;
    const rejects: CsvRecord[] = [];
    const take = (records: CsvRecord[]) => {
      for (const r of records)
        if (r.error) rejects.push(r);
        else rows++;
      expect((parser as unknown as { carry: string }).carry.length).toBeLessThan(1100);
    };
    take(parser.push('h1,h2\nAnn,"Lee\n'));
    const block = Array.from({ length: 1000 }, (_, i) => good(i)).join('\n') + '\n';
    for (let i = 0; i < 50; i++) take(parser.push(block));
    take(parser.end());
    expect(rows).toBe(1 + 50_000);
    expect(rejects).toEqual([
      { line: 2, fields: [], raw: 'Ann,"Lee', error: 'unterminated quoted field starting at line 2' },
    ]);
  });

  it('rejects a line longer than the limit and skips the rest of it, across chunks', () => {
    const long = 'x'.repeat(50);
    const text = `a,b\n${long},${long}\nc,d\n`;
    const whole = parseAll(text, undefined, { maxRecordChars: 40 });
    expect(whole.map((r) => [r.line, r.error ?? r.fields.join('|'), r.raw.length])).toEqual([
      [1, 'a|b', 3],
      [2, 'record longer than 40 characters', 40],
      [3, 'c|d', 3],
    ]);
    for (const size of [1, 5, 13]) expect(parseAll(text, size, { maxRecordChars: 40 })).toEqual(whole);
  });
});

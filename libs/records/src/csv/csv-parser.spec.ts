import { CsvParser, type CsvRecord } from './csv-parser';

function parseAll(text: string, chunkSize = text.length): CsvRecord[] {
  const parser = new CsvParser();
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
});

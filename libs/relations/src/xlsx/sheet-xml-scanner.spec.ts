import {
  columnLetters,
  columnOfReference,
  SheetFormatError,
  SheetXmlScanner,
  type SheetRow,
} from './sheet-xml-scanner';
import { decodeXmlText } from './xml-text';

function scan(xml: string, chunkSize: number, shared: string[] = []): SheetRow[] {
  const scanner = new SheetXmlScanner(shared);
  const rows: SheetRow[] = [];
  for (let i = 0; i < xml.length; i += chunkSize) rows.push(...scanner.push(xml.slice(i, i + chunkSize)));
  scanner.end();
  return rows;
}

const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E4"/>
<cols><col min="1" max="1" width="12"/></cols>
<sheetData>
<row r="1" spans="1:5"><c r="C1" s="4"><v>1</v></c><c r="D1"><v>2</v></c><c r="E1" t="s"><v>0</v></c></row>
<row r="2"><c r="C2" t="inlineStr"><is><t>N</t></is></c><c r="D2" t="inlineStr"><is><r><t>Ñ</t></r><r><t xml:space="preserve">a &amp; b </t></r><rPh><t>x</t></rPh></is></c></row>
<row r="3"><c r="A3"><v>1</v></c><c r="B3" s="2"/><c r="C3" t="b"><v>1</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3"><f>1+1</f><v>2</v></c></row>
<row r="4"/>
<row><c><v>7</v></c><c t="str"><f>"x"</f><v>line_x000D_end</v></c><c r="F5"><f>A1</f></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`;

const EXPECTED: SheetRow[] = [
  { row: 1, columns: [3, 4, 5], values: [1, 2, 'shared ü'] },
  { row: 2, columns: [3, 4], values: ['N', 'Ña & b '] },
  { row: 3, columns: [1, 3, 4, 5], values: [1, true, { error: '#N/A' }, 2] },
  { row: 5, columns: [1, 2], values: [7, 'line\rend'] },
];

describe('SheetXmlScanner', () => {
  it.each([1, 2, 7, 64, 100_000])('reads the same rows whatever the chunk size (%i)', (size) => {
    expect(scan(SHEET, size, ['shared ü'])).toEqual(EXPECTED);
  });

  it('understands namespace prefixes', () => {
    const prefixed = SHEET.replace(/<(\/?)(sheetData|row|c|v|f|is|t|r|rPh)([\s>/])/g, '<$1x:$2$3');
    expect(prefixed).toContain('<x:c r="C1"');
    expect(scan(prefixed, 13, ['shared ü'])).toEqual(EXPECTED);
  });

  it('fails on a truncated worksheet and on a missing shared string', () => {
    expect(() => scan(SHEET.slice(0, SHEET.indexOf('<row r="3"')), 50, ['s'])).toThrow(SheetFormatError);
    expect(() => scan(SHEET, 50, [])).toThrow('shared string 0 does not exist');
  });

  it('stops at </sheetData> and reads an empty sheet', () => {
    expect(scan('<worksheet><sheetData/></worksheet>', 5)).toEqual([]);
    const scanner = new SheetXmlScanner([]);
    scanner.push('<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><c r="Z9"><v>9</v></c>');
    expect(scanner.done).toBe(true);
  });

  it('converts column letters both ways', () => {
    for (const [letters, n] of [
      ['A', 1],
      ['Z', 26],
      ['AA', 27],
      ['AZ', 52],
      ['BXX', 2000],
      ['XFD', 16384],
    ] as const) {
      expect(columnOfReference(`${letters}12`)).toBe(n);
      expect(columnLetters(n)).toBe(letters);
    }
  });

  it('decodes XML entities and Excel escapes', () => {
    expect(decodeXmlText('&lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#209;&#xF1; _x0009_')).toBe(
      `<a> & "b" 'c' Ññ \t`,
    );
  });
});

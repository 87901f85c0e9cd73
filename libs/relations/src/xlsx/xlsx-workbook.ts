import { posix } from 'node:path';
import { SheetXmlScanner, type SheetRow } from './sheet-xml-scanner';
import { attribute, startTags, stringItemText } from './xml-text';
import { ZipArchive, ZipFormatError } from './zip-archive';

const OFFICE_DOCUMENT = /\/officeDocument$/;
const SHARED_STRINGS = /\/sharedStrings$/;

interface Relationship {
  id: string;
  type: string;
  target: string;
}

function relationships(xml: string, base: string): Relationship[] {
  return startTags(xml, 'Relationship').map((attributes) => {
    const target = attribute(attributes, 'Target') ?? '';
    return {
      id: attribute(attributes, 'Id') ?? '',
      type: attribute(attributes, 'Type') ?? '',
      target: target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(base, target)),
    };
  });
}

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

/** Reads `<si>` items one at a time from a shared-strings part of any size. */
async function readSharedStrings(archive: ZipArchive, part: string): Promise<string[]> {
  const strings: string[] = [];
  const stream = await archive.stream(part);
  stream.setEncoding('utf8');
  let buffer = '';
  for await (const chunk of stream) {
    buffer += chunk as string;
    let from = 0;
    for (;;) {
      const start = buffer.indexOf('<', from);
      if (start < 0) break;
      const gt = buffer.indexOf('>', start);
      if (gt < 0) break;
      const open = /^<((?:\w+:)?si)(?=[\s/>])/.exec(buffer.slice(start, gt + 1));
      if (!open) {
        from = gt + 1;
        continue;
      }
      if (buffer.charCodeAt(gt - 1) === 47) {
        strings.push('');
        from = gt + 1;
        continue;
      }
      const close = `</${open[1]}>`;
      const end = buffer.indexOf(close, gt);
      if (end < 0) break;
      strings.push(stringItemText(buffer.slice(gt + 1, end)));
      from = end + close.length;
    }
    buffer = buffer.slice(from);
  }
  return strings;
}

/**
 * An .xlsx workbook opened for streaming: sheet names from the workbook part, shared strings in
 * memory (labels and names; a matrix of numbers has few), and each sheet's rows streamed on demand
 * in constant memory, in whatever order the caller asks for them.
 */
export class XlsxWorkbook {
  private constructor(
    private readonly archive: ZipArchive,
    private readonly sheets: Map<string, string>,
    private readonly sharedStrings: readonly string[],
  ) {}

  static async open(path: string): Promise<XlsxWorkbook> {
    const archive = await ZipArchive.open(path);
    let workbookPart = 'xl/workbook.xml';
    if (archive.has('_rels/.rels')) {
      const office = relationships(await archive.text('_rels/.rels'), '').find((r) =>
        OFFICE_DOCUMENT.test(r.type),
      );
      if (office) workbookPart = office.target;
    }
    if (!archive.has(workbookPart)) throw new ZipFormatError('not an Excel workbook (no workbook part)');
    const base = posix.dirname(workbookPart);
    const relsPart = relsPathOf(workbookPart);
    const rels = archive.has(relsPart) ? relationships(await archive.text(relsPart), base) : [];
    const targets = new Map(rels.map((r) => [r.id, r.target]));
    const sheets = new Map<string, string>();
    for (const tag of startTags(await archive.text(workbookPart), 'sheet')) {
      const name = attribute(tag, 'name');
      const id = attribute(tag, 'r:id') ?? /\s[\w.-]+:id\s*=\s*"([^"]*)"/.exec(tag)?.[1];
      const target = id === undefined ? undefined : targets.get(id);
      if (name !== undefined && target !== undefined) sheets.set(name, target);
    }
    const sharedPart = rels.find((r) => SHARED_STRINGS.test(r.type))?.target;
    const sharedStrings =
      sharedPart && archive.has(sharedPart) ? await readSharedStrings(archive, sharedPart) : [];
    return new XlsxWorkbook(archive, sheets, sharedStrings);
  }

  get sheetNames(): string[] {
    return [...this.sheets.keys()];
  }

  hasSheet(name: string): boolean {
    return this.sheets.has(name);
  }

  /** The rows of one sheet, streamed. */
  async *rows(sheet: string): AsyncGenerator<SheetRow> {
    const part = this.sheets.get(sheet);
    if (part === undefined) throw new ZipFormatError(`the workbook has no sheet "${sheet}"`);
    const stream = await this.archive.stream(part);
    stream.setEncoding('utf8');
    const scanner = new SheetXmlScanner(this.sharedStrings);
    try {
      for await (const chunk of stream) {
        yield* scanner.push(chunk as string);
        if (scanner.done) return;
      }
      scanner.end();
    } finally {
      stream.destroy();
    }
  }
}

// Small helpers for the parts of SpreadsheetML that Caudal reads: entity decoding, attributes, and
// the text of simple elements. The XML of an .xlsx is machine-written (no DTD, no CDATA in cells).

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
/** Excel's escape for characters XML cannot hold (e.g. `_x000D_` for a carriage return). */
const EXCEL_ESCAPE = /_x([0-9a-fA-F]{4})_/g;

/** Decodes XML entities and Excel's `_xHHHH_` escapes in element text or attribute values. */
export function decodeXmlText(text: string): string {
  let out = text;
  if (out.includes('&')) {
    out = out.replace(ENTITY, (_, entity: string) => {
      if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
      return NAMED_ENTITIES[entity]!;
    });
  }
  if (out.includes('_x')) {
    out = out.replace(EXCEL_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return out;
}

/** The value of attribute `name` in the attribute text of a start tag, decoded; undefined when absent. */
export function attribute(attributes: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = attributes.indexOf(name, from);
    if (at < 0) return undefined;
    const before = at === 0 ? ' ' : attributes[at - 1]!;
    let i = at + name.length;
    while (attributes[i] === ' ') i++;
    if ((before === ' ' || before === '\t' || before === '\n' || before === '\r') && attributes[i] === '=') {
      i++;
      while (attributes[i] === ' ') i++;
      const quote = attributes[i];
      if (quote === '"' || quote === "'") {
        const end = attributes.indexOf(quote, i + 1);
        if (end < 0) return undefined;
        return decodeXmlText(attributes.slice(i + 1, end));
      }
    }
    from = at + name.length;
  }
}

/** The local name of a tag name (`x:row` -> `row`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Every start tag whose local name is `name` in a small XML document, as its attribute text
 * (used for workbook.xml and relationship parts, which are a few kilobytes).
 */
export function startTags(xml: string, name: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(\\s[^>]*)?/?>`, 'g');
  for (const match of xml.matchAll(pattern)) found.push((match[1] ?? '').replace(/\/$/, ''));
  return found;
}

/**
 * The concatenated text of every `<t>` element in a string item (`<si>` or `<is>`), skipping
 * phonetic runs (`<rPh>`), which are reading aids and not part of the value.
 */
export function stringItemText(xml: string): string {
  const withoutPhonetic = xml.includes('rPh') ? xml.replace(/<(\w+:)?rPh\b[\s\S]*?<\/(\w+:)?rPh>/g, '') : xml;
  let text = '';
  for (const match of withoutPhonetic.matchAll(/<(?:\w+:)?t(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/(?:\w+:)?t>)/g)) {
    text += match[1] ?? '';
  }
  return decodeXmlText(text);
}

/**
 * A small XML reader for annotation files (Pascal VOC, labelImg): elements, attributes, text,
 * comments, CDATA and the five predefined entities plus numeric ones. It keeps the line of every
 * element so a bad label can be reported by file and line, which general parsers do not offer.
 * No DTDs, namespaces or external entities: annotation files do not use them.
 */

export interface XmlElement {
  name: string;
  /** 1-based line of the element's start tag. */
  line: number;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /^[A-Za-z_:][\w:.-]*/;
const ATTR = /^\s+([A-Za-z_:][\w:.-]*)\s*=\s*("[^"]*"|'[^']*')/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses a whole document and returns its root element; throws XmlSyntaxError with the line. */
export function parseXml(text: string): XmlElement {
  const lineAt = lineIndex(text);
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pos = 0;
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const end = lt < 0 ? text.length : lt;
    if (end > pos) addText(text.slice(pos, end), pos);
    if (lt < 0) break;
    pos = readMarkup(lt);
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1]!;
    throw new XmlSyntaxError(lineAt(text.length), `element <${open.name}> opened on line ${open.line} is never closed`);
  }
  if (!root) throw new XmlSyntaxError(lineAt(text.length), 'no root element');
  return root;

  function addText(raw: string, at: number): void {
    const top = stack[stack.length - 1];
    if (top) top.text += decode(raw, at);
    else if (raw.trim() !== '') throw new XmlSyntaxError(lineAt(at), `text outside the root element: '${raw.trim().slice(0, 20)}'`);
  }

  /** Reads the markup starting at `<`; returns the position after it. */
  function readMarkup(at: number): number {
    if (text.startsWith('<!--', at)) return skipTo('-->', at, 'comment');
    if (text.startsWith('<?', at)) return skipTo('?>', at, 'processing instruction');
    if (text.startsWith('<![CDATA[', at)) {
      const close = skipTo(']]>', at, 'CDATA section');
      const top = stack[stack.length - 1];
      if (!top) throw new XmlSyntaxError(lineAt(at), 'CDATA outside the root element');
      top.text += text.slice(at + 9, close - 3);
      return close;
    }
    if (text.startsWith('<!DOCTYPE', at)) return skipTo('>', at, 'DOCTYPE');
    if (text.startsWith('</', at)) return closeTag(at);
    return openTag(at);
  }

  function skipTo(terminator: string, at: number, what: string): number {
    const i = text.indexOf(terminator, at);
    if (i < 0) throw new XmlSyntaxError(lineAt(at), `${what} is never closed`);
    return i + terminator.length;
  }

  function openTag(at: number): number {
    const name = NAME.exec(text.slice(at + 1, at + 200))?.[0];
    if (!name) throw new XmlSyntaxError(lineAt(at), `'<' is not followed by an element name`);
    const el: XmlElement = { name, line: lineAt(at), attrs: {}, children: [], text: '' };
    let pos = at + 1 + name.length;
    for (;;) {
      const rest = text.slice(pos, pos + 4096);
      const attr = ATTR.exec(rest);
      if (attr) {
        el.attrs[attr[1]!] = decode(attr[2]!.slice(1, -1), pos);
        pos += attr[0].length;
        continue;
      }
      const close = /^\s*(\/?)>/.exec(rest);
      if (!close) throw new XmlSyntaxError(lineAt(pos), `malformed start tag <${name}>`);
      pos += close[0].length;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlSyntaxError(el.line, `second root element <${name}> after <${root.name}>`);
      else root = el;
      if (close[1] !== '/') stack.push(el);
      return pos;
    }
  }

  function closeTag(at: number): number {
    const m = /^<\/([A-Za-z_:][\w:.-]*)\s*>/.exec(text.slice(at, at + 200));
    if (!m) throw new XmlSyntaxError(lineAt(at), 'malformed end tag');
    const open = stack.pop();
    if (!open) throw new XmlSyntaxError(lineAt(at), `end tag </${m[1]}> without a start tag`);
    if (open.name !== m[1]) {
      throw new XmlSyntaxError(lineAt(at), `end tag </${m[1]}> does not match <${open.name}> opened on line ${open.line}`);
    }
    return at + m[0].length;
  }

  function decode(raw: string, at: number): string {
    return raw.replace(/&([^;\s&]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(';')) throw new XmlSyntaxError(lineAt(at + offset), `'&' must start an entity such as &amp;`);
      if (ref in ENTITIES) return ENTITIES[ref]!;
      const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? Number(ref.slice(1)) : NaN;
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XmlSyntaxError(lineAt(at + offset), `unknown entity &${ref};`);
      return String.fromCodePoint(code);
    });
  }
}

/** The first child element with this name, or undefined. */
export function childOf(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

/** Offset -> 1-based line, by binary search over the line starts. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

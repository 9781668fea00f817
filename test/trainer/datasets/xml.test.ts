import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childOf, parseXml, XmlSyntaxError } from '../../../trainer/datasets/xml.js';

test('elements, attributes, text, entities, comments and CDATA, with lines', () => {
  const doc = parseXml(
    [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<!-- labelImg -->',
      '<annotation verified="yes">',
      "  <name a='1' b=\"x &amp; y\">R&amp;D &lt;3 &#65;&#x42;</name>",
      '  <empty/>',
      '  <note><![CDATA[a <raw> & text]]></note>',
      '</annotation>',
    ].join('\r\n'),
  );
  assert.equal(doc.name, 'annotation');
  assert.equal(doc.line, 3);
  assert.deepEqual(doc.attrs, { verified: 'yes' });
  const name = childOf(doc, 'name')!;
  assert.deepEqual([name.line, name.text, name.attrs], [4, 'R&D <3 AB', { a: '1', b: 'x & y' }]);
  assert.deepEqual([childOf(doc, 'empty')!.line, childOf(doc, 'empty')!.children], [5, []]);
  assert.equal(childOf(doc, 'note')!.text, 'a <raw> & text');
  assert.equal(childOf(doc, 'missing'), undefined);
});

test('syntax errors name their line', () => {
  const cases: [string, number, RegExp][] = [
    ['<a>\n<b>\n</a>', 3, /end tag <\/a> does not match <b> opened on line 2/],
    ['<a>\n<b>\n</b>\n', 4, /element <a> opened on line 1 is never closed/],
    ['<a>\n</a>\n<b/>', 3, /second root element <b> after <a>/],
    ['<a>\n x & y\n</a>', 2, /'&' must start an entity/],
    ['<a>&nbsp;</a>', 1, /unknown entity &nbsp;/],
    ['<a>\n<!-- never closed\n</a>', 2, /comment is never closed/],
    ['hello <a/>', 1, /text outside the root element: 'hello'/],
    ['<a>\n<b c="1></b>\n</a>', 2, /malformed start tag <b>/],
    ['', 1, /no root element/],
    ['<a>\n</ a>', 2, /malformed end tag/],
  ];
  for (const [text, line, re] of cases) {
    assert.throws(() => parseXml(text), (e: Error) => e instanceof XmlSyntaxError && e.line === line && re.test(e.message), JSON.stringify(text));
  }
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readBindingsFile, readBindingsFileAsync, readInPieces, readWhole } from './bindings-file';

const file = (...lines: string[]) => lines.join('\n') + '\n';

/** A plain file of `n` groups of two bindings each. */
function manyBindings(n: number, eol = '\n'): string {
  const lines = ['# province bindings', 'version: 1', 'bindings:'];
  for (let i = 0; i < n; i++)
    lines.push(
      `  - project: "项目${i}"`,
      '    indicators:',
      `      - indicator: "满意度${i}"`,
      '        from: surveys',
      `        where: { surveyKey: "项目${i}/满意度" }`,
      '        measure: ratio',
      '        numerator: satisfied',
      '        denominator: respondents',
      '      # a comment inside',
      `      - indicator: "批次${i}"`,
      '        from: inspectionBatches',
      '        measure: sum',
      '        field: batches',
      '',
    );
  return lines.join(eol) + eol;
}

describe('readBindingsFile in pieces', () => {
  it('reads a large plain file in pieces, exactly as the whole document', () => {
    const text = manyBindings(1000);
    const pieces = readInPieces(text);
    expect(pieces).not.toBeNull();
    expect(pieces!.raws).toHaveLength(2000);
    expect(pieces).toEqual(readWhole(text));
    // Lines are the file's, not the piece's.
    const last = pieces!.raws[1999];
    expect(text.split('\n')[last.line - 1]).toBe('      - indicator: "批次999"');
    expect(text.split('\n')[last.lines.field! - 1]).toBe('        field: batches');
    expect(readBindingsFile(text)).toEqual(readWhole(text));
  });

  it('reads the same asynchronously, letting other work run between its pieces', async () => {
    const text = manyBindings(1000);
    let turns = 0;
    const other = setInterval(() => turns++, 0);
    try {
      expect(await readBindingsFileAsync(text)).toEqual(readWhole(text));
    } finally {
      clearInterval(other);
    }
    expect(turns).toBeGreaterThan(0);
    // A file not of the plain shape is read whole, with the same problems.
    const bad = file('version: 1', 'bindings:', '  - project: p', '    indicators: [', '');
    expect(await readBindingsFileAsync(bad)).toEqual(readWhole(bad));
    expect((await readBindingsFileAsync(bad)).problems.length).toBeGreaterThan(0);
  });

  it('reads the sample bindings (comments between items) as the whole document', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../samples/bindings.yaml'), 'utf8');
    expect(readInPieces(text)).toEqual(readWhole(text));
    expect(readInPieces(text)!.raws.length).toBeGreaterThan(10);
  });

  it('takes CRLF line ends, a list at the left margin and keys after the list', () => {
    const crlf = manyBindings(40, '\r\n');
    expect(readInPieces(crlf)).toEqual(readWhole(crlf));
    expect(readInPieces(crlf)!.raws).toHaveLength(80);
    const margin = file(
      'bindings:',
      '- project: p',
      '  indicators:',
      '  - indicator: a',
      '    from: surveys',
      '# between',
      '- id: 2019.x.y.z',
      '  from: cases',
      'version: 1',
    );
    expect(readInPieces(margin)).toEqual(readWhole(margin));
    expect(readInPieces(margin)!.raws.map((r) => r.line)).toEqual([4, 7]);
  });

  it('leaves to the whole document any file with a problem, so messages and lines are unchanged', () => {
    const cases = [
      file('version: 2', 'bindings:', '  - id: a', '    from: cases'), // bad version
      file('version: 1', 'bindings:', '  - id: a', '    form: cases'), // unknown key
      file('version: 1', 'bindings:', '  - id: a', '    from: cases', '  - id: b', '    from: [cases'), // syntax
      file('version: 1', 'bindings:', '  - &x { id: a, from: cases }', '  - *x'), // alias across items
      file('version: 1', 'bindings:', '  - id: a', '    id: b'), // duplicate key
      file('version: 1', 'bindings:', '  - id: a', 'bindings:', '  - id: b'), // the key twice
      file('version: 1', 'bindings: [ { id: a } ]'), // a flow list
      file('---', 'version: 1', 'bindings:', '  - id: a'), // a document marker
      file('version: 1', 'bindings:', '  - id: a', '  oops: 1'), // not an item at the list's indentation
    ];
    for (const text of cases) {
      expect(readInPieces(text)).toBeNull();
      expect(readBindingsFile(text)).toEqual(readWhole(text));
    }
    expect(readBindingsFile(cases[1]).problems).toEqual([
      expect.objectContaining({ line: 4, message: expect.stringMatching(/unknown key "form"/) }),
    ]);
  });
});

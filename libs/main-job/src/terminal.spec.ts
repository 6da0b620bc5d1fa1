import { Writable } from 'node:stream';
import { Terminal } from './terminal';

function output(isTTY: boolean) {
  let text = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((text += chunk.toString()), cb()) }) as Writable & {
    isTTY?: boolean;
  };
  stream.isTTY = isTTY;
  return { stream, text: () => text };
}

describe('Terminal', () => {
  it('on a terminal: rewrites the live line in place and keeps it under permanent lines', () => {
    const out = output(true);
    const t = new Terminal(out.stream);
    t.live('2019-01-01 · 0 alerts sent');
    t.live('2019-01-02 · 0 alerts sent');
    t.line('ingest  | WARN something');
    t.end();
    expect(out.text()).toBe(
      '\r\x1b[K2019-01-01 · 0 alerts sent' +
        '\r\x1b[K2019-01-02 · 0 alerts sent' +
        '\r\x1b[Kingest  | WARN something\n2019-01-02 · 0 alerts sent' +
        '\n',
    );
  });

  it('into a file: prints the live line now and then, whole lines only', () => {
    const out = output(false);
    let now = 0;
    const t = new Terminal(out.stream, 10_000, () => now);
    t.live('a');
    now = 5_000;
    t.live('b'); // too soon
    t.live('c', true); // forced
    now = 16_000;
    t.live('d');
    t.line('done');
    expect(out.text()).toBe('a\nc\nd\ndone\n');
  });
});

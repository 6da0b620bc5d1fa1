import { Logger } from '@nestjs/common';
import { decodeActual } from '@iw/events';
import { appLogger, safeLogText, SafeConsoleLogger } from './safe-log';

/** Everything the logger writes to stdout and stderr while `fn` runs. */
function written(fn: () => void): string {
  let out = '';
  const capture = (chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    fn();
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return out;
}

/** What is left of a written line once the logger's own colour sequences are taken out. */
const withoutColours = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const FORGED = 'ok\u001b[2J\r\n[Nest] 1  - 01/01/2019, 00:00:00   ERROR forged line\u0000\u009b31m\u202e';

describe('safeLogText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['汽油 category', '汽油 category'],
    ['a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['a\r\nb', 'a\\r\\nb'],
    ['nul\u0000', 'nul\\x00'],
    ['tab\tx', 'tab\\tx'],
    ['del\u007f', 'del\\x7f'],
    ['csi\u009b', 'csi\\x9b'],
    ['ls\u2028ps\u2029', 'ls\\u2028ps\\u2029'],
    ['bidi\u202ex\u2066', 'bidi\\u202ex\\u2066'],
  ])('%j → %j', (input, expected) => {
    expect(safeLogText(input)).toBe(expected);
  });

  it('keeps the line breaks of a stack trace and escapes the rest', () => {
    const stack = 'Error: bad\r\n[Nest] ERROR forged\n    at fn (/app/a.js:1:2)\n    at next (/app/b.js:3:4)';
    expect(safeLogText(stack)).toBe(
      'Error: bad\\r\\n[Nest] ERROR forged\n    at fn (/app/a.js:1:2)\n    at next (/app/b.js:3:4)',
    );
  });
});

describe('SafeConsoleLogger', () => {
  const logger = new SafeConsoleLogger({ logLevels: ['error', 'warn', 'log'] });

  it.each(['log', 'warn', 'error'] as const)('%s: input can neither forge a line nor drive the terminal', (level) => {
    const out = withoutColours(written(() => logger[level](`DLQ value ${FORGED}`, 'IngestService')));
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(out).toContain('ok\\x1b[2J\\r\\n[Nest] 1');
    expect(out).toContain('forged line\\x00\\x9b31m\\u202e');
  });

  it('escapes a stack trace passed beside the message but keeps its frames on their lines', () => {
    const e = new Error(`bad ${FORGED}`);
    const out = withoutColours(written(() => logger.error('failed', e.stack, 'X')));
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const lines = out.split('\n').filter(Boolean);
    expect(lines.every((l) => !l.startsWith('[Nest]') || l.includes('failed'))).toBe(true);
    expect(lines.some((l) => /^\s+at /.test(l))).toBe(true);
  });

  it('a rejection reason that quotes input (an unsafe key) is logged on one line', () => {
    const decoded = decodeActual('cases', Buffer.from(JSON.stringify({ '$\u001b[2J\r\n[Nest] 1 - ERROR forged': 1 })));
    expect(!decoded.ok && decoded.reason.message).toContain('\r\n[Nest]');
    const out = withoutColours(
      written(() => logger.warn(`DLQ actuals.cases:0:1 unsafe: ${!decoded.ok ? decoded.reason.message : ''}`)),
    );
    expect(out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out).not.toContain('\u001b[2J');
  });

  it('is what the apps get as their logger, and what the static Logger writes through once installed', () => {
    const installed = appLogger(['error', 'warn']);
    expect(installed).toBeInstanceOf(SafeConsoleLogger);
    expect(appLogger(false)).toBe(false);
    Logger.overrideLogger(installed);
    try {
      const out = withoutColours(written(() => new Logger('ingest').warn(`x\r\ny`)));
      expect(out).toContain('x\\r\\ny');
    } finally {
      Logger.overrideLogger(new SafeConsoleLogger());
    }
  });
});

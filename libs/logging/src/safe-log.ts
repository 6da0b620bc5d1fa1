import { ConsoleLogger, type ConsoleLoggerOptions, type LoggerService, type LogLevel } from '@nestjs/common';

/**
 * Characters a terminal or a log reader acts on: C0 controls (ESC starts ANSI sequences, CR and
 * LF start a forged line, NUL ends C strings), DEL, C1 controls (CSI), the line and paragraph
 * separators and the bidirectional overrides.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** A line break that starts a stack frame (`\n    at fn (file:1:2)`) stays a line break. */
const STACK_FRAME = /^\n\s+at /;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text that may carry input (a field value, a rejection reason, an error message) as it may go
 * into a log line: every control character written as an escape (`\x1b`, `\r`, `\n`, `\x00`),
 * so a value can neither forge a line nor drive the operator's terminal. The line breaks of a
 * stack trace (those before `at …`) are kept.
 */
export function safeLogText(text: string): string {
  return text.replace(UNSAFE, (c, offset: number, whole: string) =>
    c === '\n' && STACK_FRAME.test(whole.slice(offset, offset + 64)) ? c : escape(c),
  );
}

/**
 * Nest's console logger with every message and stack passed through `safeLogText`: the one
 * logger of the apps, so no logger call prints input raw. Its own colours are added afterwards.
 */
export class SafeConsoleLogger extends ConsoleLogger {
  constructor(options: ConsoleLoggerOptions = {}) {
    super(options);
  }

  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    return super.stringifyMessage(typeof message === 'string' ? safeLogText(message) : message, logLevel) as string;
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(typeof stack === 'string' ? safeLogText(stack) : stack);
  }
}

/** The `logger` option of an app: the safe console logger at these levels, or none. */
export function appLogger(levels: LogLevel[] | false): LoggerService | false {
  return levels === false ? false : new SafeConsoleLogger({ logLevels: levels });
}

import { WALL_CLOCK } from '@iw/clock';
/**
 * The console of the main job: permanent lines (banner, notices) and one live status line,
 * rewritten in place on a terminal and printed now and then when the output is a file or pipe.
 */
export class Terminal {
  private status = '';
  private printedAt = -Infinity;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly everyMs = 10_000,
    private readonly realNow: () => number = () => WALL_CLOCK.now(),
  ) {
    this.tty = Boolean(out.isTTY);
  }

  line(text: string): void {
    if (this.tty && this.status) this.out.write('\r\x1b[K');
    this.out.write(`${text}\n`);
    if (this.tty && this.status) this.out.write(this.status);
  }

  /** The live line; `force` prints it even between intervals when not on a terminal. */
  live(text: string, force = false): void {
    if (this.tty) {
      if (text !== this.status) this.out.write(`\r\x1b[K${text}`);
      this.status = text;
      return;
    }
    const now = this.realNow();
    if (text !== this.status && (force || now - this.printedAt >= this.everyMs)) {
      this.out.write(`${text}\n`);
      this.printedAt = now;
      this.status = text;
    }
  }

  /** Ends the live line so what follows starts on a new line. */
  end(): void {
    if (this.tty && this.status) this.out.write('\n');
    this.status = '';
  }
}

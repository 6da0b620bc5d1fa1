/**
 * What a clock showed, remembered for a while: `at(realMs)` is its reading at the latest real
 * time not after `realMs`, or null when none that old is kept. A source publishes an event a
 * little after its time (its producer's own lag): "nothing left to read" then only vouches for
 * what the clock showed that long ago, not for its now.
 */
export class ClockReadings {
  private readonly kept: Array<{ real: number; shown: number }> = [];

  /** Readings older than `keepMs` (real) are dropped, but for the newest of them. */
  constructor(private readonly keepMs: number) {}

  /** The clock showed `shown` at real time `real` (calls in real-time order). */
  note(real: number, shown: number): void {
    this.kept.push({ real, shown });
    while (this.kept.length > 1 && this.kept[1].real <= real - this.keepMs) this.kept.shift();
  }

  at(realMs: number): number | null {
    for (let i = this.kept.length - 1; i >= 0; i--) if (this.kept[i].real <= realMs) return this.kept[i].shown;
    return null;
  }
}

import { OutboxRepository, type OutboxDoc, type PendingStamp } from '@iw/mongo';

/** However consistent it looks, the mirror is read again in full after this long (real ms). */
const FULL_READ_MS = 300_000;
/** How far back (real ms) each look for new notifications reaches: enqueuing instances' clocks differ. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The sender's copy of the outbox's pending notifications. The outbox keeps every notification
 * from the moment it is enqueued until the sender claims, mutes or sends it, so after a burst
 * (a province's first sweep: tens of thousands) each pass that read them all again cost
 * seconds of the database and grew with the square of the burst. The mirror reads in full once,
 * then only what was enqueued since (by index), and forgets what this sender took out.
 *
 * What this process enqueues comes straight in (`enqueued`, from the outbox repository), so
 * while no other instance enqueues, the mirror agrees with the outbox's stamp (count and
 * latest) without reading anything back.
 *
 * It is checked against the outbox's count of pending notifications on every pass: any
 * difference (another sender took some, a clock far off, a write that failed half-way) means a
 * full read, as does FULL_READ_MS passing.
 */
export class PendingMirror {
  private readonly docs = new Map<string, OutboxDoc>();
  /** Real ms of the last full read; null: none (or forgotten). */
  private fullAt: number | null = null;
  /** The latest `enqueuedAt` seen. */
  private latest = 0;
  /** The stamp the mirror last matched. */
  private stampKey: string | null = null;
  /** Keys this sender took out since the last full read: an enqueue told late does not bring them back. */
  private readonly taken = new Set<string>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly realNow: () => number,
  ) {}

  /** The pending notifications, given the outbox's stamp of them now. */
  async current(stamp: PendingStamp): Promise<OutboxDoc[]> {
    if (this.fullAt !== null && this.realNow() - this.fullAt < FULL_READ_MS) {
      if (stamp.key !== this.stampKey && stamp.key !== this.key())
        this.add(await this.outbox.pendingSince(new Date(this.latest - CLOCK_SKEW_MS)));
      if (this.docs.size === stamp.count) {
        this.stampKey = stamp.key;
        return [...this.docs.values()];
      }
    }
    const at = this.realNow();
    const all = await this.outbox.pending();
    this.docs.clear();
    this.taken.clear();
    this.latest = 0;
    this.add(all);
    this.fullAt = at;
    this.stampKey = stamp.key;
    return all;
  }

  /**
   * The pending notifications as this process knows them, without asking the outbox: null
   * when the mirror has not been read in full lately (then only `current` will do). What this
   * process enqueued since its last pass is in it (`enqueued`); what other instances enqueued
   * or took out is not, until the next `current`.
   */
  known(): OutboxDoc[] | null {
    if (this.fullAt === null || this.realNow() - this.fullAt >= FULL_READ_MS) return null;
    return [...this.docs.values()];
  }

  /** Notifications this process just enqueued (in the outbox now): pending until taken out. */
  enqueued(docs: readonly OutboxDoc[]): void {
    if (this.fullAt === null) return; // the next full read finds them
    this.add(docs.filter((d) => d.state === 'pending' && !this.taken.has(d._id)));
  }

  /** Notifications this sender claimed, muted or recorded: no longer pending. */
  remove(keys: Iterable<string>): void {
    for (const k of keys) {
      this.docs.delete(k);
      this.taken.add(k);
    }
  }

  /** Read everything again next time (the lead changed hands, a pass failed). */
  forget(): void {
    this.fullAt = null;
    this.stampKey = null;
    this.docs.clear();
    this.taken.clear();
  }

  /** The stamp of the copy, spelled as the outbox's (`OutboxRepository.sendQueue`). */
  private key(): string {
    let latest: OutboxDoc | null = null;
    for (const d of this.docs.values())
      if (
        !latest ||
        d.enqueuedAt.getTime() > latest.enqueuedAt.getTime() ||
        (d.enqueuedAt.getTime() === latest.enqueuedAt.getTime() && d._id > latest._id)
      )
        latest = d;
    return latest ? `${this.docs.size}:${latest.enqueuedAt.getTime()}:${latest._id}` : '0';
  }

  private add(docs: readonly OutboxDoc[]): void {
    for (const d of docs) {
      this.docs.set(d._id, d);
      this.latest = Math.max(this.latest, d.enqueuedAt.getTime());
    }
  }
}

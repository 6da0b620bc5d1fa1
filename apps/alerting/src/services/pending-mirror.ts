import { headOf, OutboxRepository, type OutboxDoc, type OutboxHead, type PendingStamp } from '@iw/mongo';

/** However consistent it looks, the mirror is read again in full after this long (real ms). */
const FULL_READ_MS = 300_000;
/** How far back (real ms) each look for new notifications reaches: enqueuing instances' clocks differ. */
const CLOCK_SKEW_MS = 60_000;
/** Texts each notification has its own of: the key, and the alert id (a slice of it: headOf). */
const UNSHARED: ReadonlySet<string> = new Set(['key', 'alertId']);
/** Whole notifications this process enqueued kept for their mail, the newest this many: a burst's mails go out without reading them back. */
const WHOLE_KEPT = 2_000;

/**
 * One copy of each text the mirror's notifications repeat: the alert id four times in each (the
 * alert, its notice, the unit, the indicator), project, agency and indicator names, reasons,
 * times. A province's first sweep left 86,000 notifications pending (1.8 kB each on the heap);
 * shared, their texts are a quarter of what they were (1.1 kB a notification, measured on 40,000).
 * The keys are unique and stay out. Emptied with each full read, so it holds no more than the
 * notifications read or enqueued since.
 */
export class TextPool {
  private readonly texts = new Map<string, string>();
  private readonly objects = new Map<string, object>();

  /** `doc` with each text in it replaced by the pool's copy (in place: the doc is the mirror's own). */
  share<T extends object>(doc: T, skip: ReadonlySet<string>): T {
    const walk = (o: Record<string, unknown>) => {
      for (const k of Object.keys(o)) {
        if (skip.has(k)) continue;
        const v = o[k];
        if (typeof v === 'string') {
          const kept = this.texts.get(v);
          if (kept === undefined) this.texts.set(v, v);
          else o[k] = kept;
        } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
          walk(v as Record<string, unknown>);
      }
    };
    walk(doc as Record<string, unknown>);
    return doc;
  }

  /**
   * The pool's copy of a small object of texts (a notice's unit, its evaluation's status): the
   * notifications of one project share one, as they share its texts.
   */
  shareObject<T extends Record<string, string | undefined>>(o: T): T {
    const key = JSON.stringify(o);
    const kept = this.objects.get(key);
    if (kept) return kept as T;
    this.share(o, NONE);
    this.objects.set(key, o);
    return o;
  }

  clear(): void {
    this.texts.clear();
    this.objects.clear();
  }
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The sender's copy of the outbox's pending notifications, their heads (OutboxHead: what due,
 * mute and group read; the whole notification is read by key when claimed, unless this process
 * enqueued it lately: `whole`). The outbox keeps every notification
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
  private readonly docs = new Map<string, OutboxHead>();
  /** The newest WHOLE_KEPT notifications this process enqueued, whole (oldest first), while pending. */
  private readonly wholes = new Map<string, OutboxDoc>();
  /** Real ms of the last full read; null: none (or forgotten). */
  private fullAt: number | null = null;
  /** The latest `enqueuedAt` seen. */
  private latest = 0;
  /** The stamp the mirror last matched. */
  private stampKey: string | null = null;
  /** Keys this sender took out since the last full read: an enqueue told late does not bring them back. */
  private readonly taken = new Set<string>();
  private readonly pool = new TextPool();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly realNow: () => number,
  ) {}

  /** The pending notifications, given the outbox's stamp of them now. */
  async current(stamp: PendingStamp): Promise<OutboxHead[]> {
    if (this.fullAt !== null && this.realNow() - this.fullAt < FULL_READ_MS) {
      if (stamp.key !== this.stampKey && stamp.key !== this.key())
        this.add(await this.outbox.pendingHeadsSince(new Date(this.latest - CLOCK_SKEW_MS), this.keep));
      if (this.docs.size === stamp.count) {
        this.stampKey = stamp.key;
        return [...this.docs.values()];
      }
    }
    const at = this.realNow();
    // The copy is let go before the read (forgotten until it is done), and each head shared as it
    // comes: a province's 86,000 pending heads, each with its own texts until shared, were twice
    // the copy's size at once, beside the copy they replace.
    this.fullAt = null;
    this.stampKey = null;
    this.docs.clear();
    this.taken.clear();
    this.pool.clear();
    const all = await this.outbox.pendingHeads(this.keep);
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
  known(): OutboxHead[] | null {
    if (this.fullAt === null || this.realNow() - this.fullAt >= FULL_READ_MS) return null;
    return [...this.docs.values()];
  }

  /** Notifications this process just enqueued (in the outbox now): pending until taken out. */
  enqueued(docs: readonly OutboxDoc[]): void {
    if (this.fullAt === null) return; // the next full read finds them
    const fresh = docs.filter((d) => d.state === 'pending' && !this.taken.has(d._id));
    for (const d of fresh) {
      this.wholes.delete(d._id);
      this.wholes.set(d._id, d);
    }
    for (const k of this.wholes.keys()) {
      if (this.wholes.size <= WHOLE_KEPT) break;
      this.wholes.delete(k);
    }
    this.add(fresh.map((d) => this.keep(headOf(d))));
  }

  /** Of `keys`, the whole notifications this process enqueued lately (the rest: OutboxRepository.byKeys). */
  whole(keys: readonly string[]): Map<string, OutboxDoc> {
    const out = new Map<string, OutboxDoc>();
    for (const k of keys) {
      const d = this.wholes.get(k);
      if (d) out.set(k, d);
    }
    return out;
  }

  /** Notifications this sender claimed, muted or recorded: no longer pending. */
  remove(keys: Iterable<string>): void {
    for (const k of keys) {
      this.docs.delete(k);
      this.wholes.delete(k);
      this.taken.add(k);
    }
  }

  /** Read everything again next time (the lead changed hands, a pass failed). */
  forget(): void {
    this.fullAt = null;
    this.stampKey = null;
    this.docs.clear();
    this.wholes.clear();
    this.taken.clear();
    this.pool.clear();
  }

  /** The stamp of the copy, spelled as the outbox's (`OutboxRepository.sendQueue`). */
  private key(): string {
    let latest: OutboxHead | null = null;
    for (const d of this.docs.values())
      if (!latest || d.enqueuedAt > latest.enqueuedAt || (d.enqueuedAt === latest.enqueuedAt && d.key > latest.key))
        latest = d;
    return latest ? `${this.docs.size}:${latest.enqueuedAt}:${latest.key}` : '0';
  }

  /** A head as the copy keeps it: its texts, unit and status the pool's (in place). */
  private readonly keep = (d: OutboxHead): OutboxHead => {
    const head = this.pool.share(d, UNSHARED);
    head.notice.unit = this.pool.shareObject(head.notice.unit);
    head.notice.evaluation = this.pool.shareObject(head.notice.evaluation);
    return head;
  };

  /** Heads, as `keep` made them, into the copy. */
  private add(docs: readonly OutboxHead[]): void {
    for (const d of docs) {
      this.docs.set(d.key, d);
      this.latest = Math.max(this.latest, d.enqueuedAt);
    }
  }
}

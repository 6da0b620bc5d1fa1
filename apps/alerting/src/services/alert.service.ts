import * as fs from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Clock } from '@iw/clock';
import {
  onEvaluation,
  parsePolicy,
  policyBase,
  onSweep,
  snapshotOf,
  type Alert,
  type AlertPipelineOptions,
  type EnqueueResult,
  type EvaluationSnapshot,
  type NotificationPolicy,
  type Notification,
  type UnitEvaluation,
} from '@iw/alerts';
import type { AppConfig } from '@iw/config';
import {
  AlertRepository,
  ContestedWriteError,
  OutboxRepository,
  PeopleRepository,
  retryContested,
  SecretRepository,
  type AlertWrite,
  type StoredAlert,
  type WritesLater,
} from '@iw/mongo';
import { linkSigner, normaliseEmail, parsePeopleFile, peopleFormatOf } from '@iw/people';
import { ALERTING_OPTIONS, APP_CONFIG, REAL_CLOCK, type AlertingOptions } from '../alerting.tokens';
import { OutboxSignal } from './outbox-signal';
import { OwnersService } from './owners.service';

/** What a sweep keeps across its chunks of evaluations. */
/** Alerts due a reminder or an escalation read whole and stepped at a time (onSweep). */
const SWEEP_STEP_SLICE = 2_000;

export interface SweepAlerts {
  /** Ids of the alerts stored when the sweep began, and of those it wrote since. */
  stored: Set<string>;
  /** Today's figures of the open alerts the evaluations left as stored, for the reminders. */
  latest: Map<string, EvaluationSnapshot>;
}

/** Where an alert step's time went (real ms, added up): read the alerts, enqueue into the outbox, save the alerts. */
export interface AlertStageTimes {
  read: number;
  enqueue: number;
  save: number;
}

/** How long the list of removed people is used before it is read again (real ms). */
const PEOPLE_RECHECK_MS = 5000;

/**
 * The notification policy file (IW_POLICY); its unset durations are IW_GROUP_WAIT,
 * IW_GROUP_INTERVAL and IW_REPEAT_INTERVAL. A missing or bad file stops the start with each problem's line.
 */
export function readPolicy(config: AppConfig): NotificationPolicy {
  const file = config.files.policy;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`notification policy ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      cause: e,
    });
  }
  const { policy, problems } = parsePolicy(text, policyBase(config.alerting));
  if (!policy)
    throw new Error(
      `notification policy ${file} is invalid: ${problems.map((p) => `${file}:${p.line}: ${p.message}`).join('; ')}`,
    );
  return policy;
}

/**
 * Enqueue side of the alert pipeline: evaluation → transition (or sweep → reminder at the
 * weekly digest slot, escalation to the office people) → route (policy: owners, office) →
 * dedup → outbox, then the alert. The outbox is written FIRST: a crash before the
 * alert is saved replays the same transition, whose notification key is already there.
 */
@Injectable()
export class AlertService {
  private readonly logger = new Logger(AlertService.name);
  private readonly realNow: () => number;
  private secret: Buffer | null = null;
  private removed: { at: number; emails: Set<string>; office: Map<string, string[]> } | null = null;
  /** Read once at start-up (IW_POLICY). */
  readonly policy: NotificationPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REAL_CLOCK) private readonly realClock: Clock,
    @Inject(ALERTING_OPTIONS) options: AlertingOptions,
    private readonly owners: OwnersService,
    private readonly signal: OutboxSignal,
    private readonly alerts: AlertRepository,
    private readonly outbox: OutboxRepository,
    private readonly people: PeopleRepository,
    private readonly secrets: SecretRepository,
  ) {
    this.realNow = () => this.realClock.now();
    this.policy = readPolicy(config);
  }

  /** The office (绩效管理) people per agency: the directory in MongoDB, else the IW_PEOPLE file. */
  private officeByAgency(
    docs: ReadonlyArray<{ _id: string; agency: string | null; role: string | null; removed: boolean }>,
  ) {
    let people = docs.filter((d) => !d.removed).map((d) => ({ email: d._id, agency: d.agency, role: d.role }));
    if (docs.length === 0) {
      try {
        const file = this.config.files.people;
        people = parsePeopleFile(fs.readFileSync(file, 'utf8'), peopleFormatOf(file));
      } catch (e) {
        this.logger.warn(`no people directory: unacknowledged alerts go to the owners (${(e as Error).message})`);
      }
    }
    const office = new Map<string, string[]>();
    for (const p of people)
      if (p.role === 'office' && p.agency) office.set(p.agency, [...(office.get(p.agency) ?? []), p.email]);
    return office;
  }

  private async directory(): Promise<{ emails: Set<string>; office: Map<string, string[]> }> {
    const now = this.realNow();
    if (!this.removed || now - this.removed.at > PEOPLE_RECHECK_MS) {
      const docs = await this.people.all();
      this.removed = {
        at: now,
        emails: new Set(docs.filter((d) => d.removed).map((d) => d._id)),
        office: this.officeByAgency(docs),
      };
    }
    return this.removed;
  }

  /**
   * Each recipient's personal link (signed with the shared link secret, expiring after
   * IW_LINK_TTL of wall-clock time); a person removed from the directory gets the bare URL.
   * Without the secret (MongoDB hiccup) mails go out with bare URLs rather than not at all.
   */
  private async personalLink(): Promise<AlertPipelineOptions['personalLink']> {
    try {
      this.secret ??= await this.secrets.linkSecret(this.config.people.linkSecret);
      await this.directory();
    } catch (e) {
      this.logger.warn(`personal links unavailable, mails carry bare dashboard URLs: ${(e as Error).message}`);
      return undefined;
    }
    const removed = this.removed!.emails;
    const sign = linkSigner({
      secret: this.secret,
      publicUrl: this.config.http.publicUrl,
      ttlMs: this.config.people.linkTtlMs,
      now: this.realNow,
    });
    return (recipient, path) => (removed.has(normaliseEmail(recipient)) ? null : sign(recipient, path));
  }

  async pipelineOptions(): Promise<AlertPipelineOptions> {
    const personalLink = await this.personalLink();
    let office = new Map<string, string[]>();
    try {
      office = (await this.directory()).office;
    } catch (e) {
      this.logger.warn(
        `people directory unavailable: unacknowledged alerts go to the owners (${(e as Error).message})`,
      );
    }
    return {
      resolveOwners: await this.owners.resolver(this.realNow()),
      personalLink,
      policy: this.policy,
      officeOf: (agency) => (agency ? (office.get(agency) ?? []) : []),
      repeatIntervalMs: this.config.alerting.repeatIntervalMs,
      groupWaitMs: this.config.alerting.groupWaitMs,
      groupIntervalMs: this.config.alerting.groupIntervalMs,
      publicUrl: this.config.http.publicUrl,
      timeZone: this.config.timeZone,
      from: this.config.smtp.from,
    };
  }

  /**
   * A sweep's start: the ids of the alerts stored now (one read of ids), nothing seen yet. `units`:
   * the catalogue's; an alert's id is its unit's, kept as the catalogue's text (a province's
   * 86,000 ids read anew, about 10 MB, were held through every sweep).
   */
  async sweepContext(units?: ReadonlyMap<string, { id: string }>): Promise<SweepAlerts> {
    return { stored: await this.alerts.ids((id) => units?.get(id)?.id ?? id), latest: new Map() };
  }

  /**
   * New evaluations (settled) of tracked units; returns how many notifications were enqueued.
   * In a sweep (`sweep`), only the alerts that existed when it began are read (a unit without
   * one is stepped from none: should another writer create it meanwhile, its claim is lost and
   * the alert read), and `latest` collects the snapshot of each open alert the evaluation left
   * as it was stored (the same standing, only the daily figures moved), for the reminders.
   */
  async onEvaluations(
    evaluations: readonly UnitEvaluation[],
    now: number,
    sweep?: SweepAlerts,
    times?: AlertStageTimes,
    later?: WritesLater,
  ): Promise<number> {
    if (evaluations.length === 0) return 0;
    const started = this.realNow();
    const options = await this.pipelineOptions();
    const byId = new Map(evaluations.map((e) => [e.unit.id, e]));
    const ids = [...byId.keys()];
    const read = sweep ? await this.alerts.find(ids.filter((id) => sweep.stored.has(id))) : undefined;
    if (times) times.read += this.realNow() - started;
    const written = await this.apply(
      ids,
      (alert, id) => {
        const e = byId.get(id)!;
        const r = onEvaluation(alert, e, now, options);
        if (sweep && !r.changed && alert?.state === 'open') sweep.latest.set(id, snapshotOf(e));
        return r;
      },
      read,
      times,
      later,
    );
    if (sweep) for (const id of written.ids) sweep.stored.add(id);
    return written.enqueued;
  }

  /**
   * The sweep: every open alert's reminder when due at the digest slot, and its escalation to the
   * office people, telling the sweep's figures (`latest`, from onEvaluations); `judged` leaves
   * out alerts whose unit is no longer judged (a closed year's).
   */
  async onSweep(
    now: number,
    judged: (alertId: string) => boolean = () => true,
    latest: ReadonlyMap<string, EvaluationSnapshot> = new Map(),
  ): Promise<number> {
    const options = await this.pipelineOptions();
    const step = (alert: Alert | null, id: string) =>
      alert ? onSweep(alert, now, options, undefined, latest.get(id)) : null;
    // Most days nothing is due: which alerts may be is decided on the open ones without their
    // history (the bulk of a stored alert), as they stream in; only those are read whole and stepped.
    const due: string[] = [];
    for await (const s of this.alerts.openHeads())
      if (judged(s.alert.id) && step(s.alert, s.alert.id)?.changed) due.push(s.alert.id);
    // Read whole and stepped a slice at a time: after a long stop, every open alert may be due.
    let enqueued = 0;
    for (let i = 0; i < due.length; i += SWEEP_STEP_SLICE)
      enqueued += (await this.apply(due.slice(i, i + SWEEP_STEP_SLICE), step)).enqueued;
    return enqueued;
  }

  /**
   * Runs a pipeline step per alert; the outbox is written before the alerts. An alert another
   * writer moved meanwhile (its next `rev` claimed first) is reloaded and stepped again.
   */
  private async apply(
    ids: readonly string[],
    step: (alert: Alert | null, id: string) => EnqueueResult | null,
    /** The alerts as the caller just read them (the first round's state); absent: read by id. */
    read?: ReadonlyMap<string, StoredAlert>,
    times?: AlertStageTimes,
    /** Where the won alerts' current documents are written (their claims decide at once); absent: now. */
    later?: WritesLater,
  ): Promise<{ enqueued: number; ids: string[] }> {
    let enqueued = 0;
    const written: string[] = [];
    try {
      await retryContested('alerts', ids, async (todo, round) => {
        let mark = this.realNow();
        const stored = round > 0 ? await this.alerts.load(todo) : (read ?? (await this.alerts.find(todo)));
        if (times) times.read += this.realNow() - mark;
        const writes: AlertWrite[] = [];
        const notifications: Notification[] = [];
        for (const id of todo) {
          const current = stored.get(id);
          const r = step(current?.alert ?? null, id);
          if (!r) continue;
          for (const n of r.unroutable)
            this.logger.warn(`${n.kind} notice of ${n.alertId} has no valid recipient (check the owners' fallback)`);
          if (r.invalidAddresses.length)
            this.logger.warn(
              `invalid owner addresses skipped: ${r.invalidAddresses.map((a) => JSON.stringify(a)).join(', ')}`,
            );
          notifications.push(...r.notifications);
          if (r.changed && r.alert) writes.push({ alert: r.alert, expectedRev: current?.rev ?? null });
        }
        mark = this.realNow();
        enqueued += await this.outbox.enqueue(notifications, new Date(mark));
        if (times) times.enqueue += this.realNow() - mark;
        mark = this.realNow();
        const lost = await this.alerts.save(writes, later);
        if (times) times.save += this.realNow() - mark;
        const lostSet = new Set(lost);
        for (const w of writes) if (!lostSet.has(w.alert.id)) written.push(w.alert.id);
        return lost;
      });
    } catch (e) {
      if (!(e instanceof ContestedWriteError)) throw e;
      this.logger.warn(
        `alerts ${e.ids.join(', ')} kept changing under ${e.rounds} attempts; the next evaluation retries`,
      );
    }
    if (enqueued > 0) this.signal.enqueued();
    return { enqueued, ids: written };
  }
}

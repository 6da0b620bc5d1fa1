/**
 * `iw progress rebuild --unit <ids> | --project <name> | --all`: recomputes tracked units from
 * the actuals topics (every message from the earliest offset, through the current bindings),
 * writes each as the unit's next version (the store's version claim: a concurrent ingest write
 * makes it recompute, never lose), and applies what the unit had parked. The rules are pure in
 * @iw/measures (`RebuildScan`, `rebuildUnit`); this file reads Kafka and writes the store.
 */
import type { Command } from 'commander';
import { parseClockSpec, WALL_CLOCK } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { ACTUALS_ROLES, type ActualsRole, type ProgressMessage } from '@iw/events';
import { BatchConsumer, KafkaAdmin, KafkaClient, KafkaProducer } from '@iw/kafka';
import {
  fiscalYearOf,
  progressMessageOf,
  RebuildScan,
  rebuildUnit,
  type Progress,
  type TrackedUnit,
} from '@iw/measures';
import { budgetTrackId } from '@iw/targets';
import { BindingsProvider, ProgressRepository } from '@iw/mongo';
import type { CliIo } from '../cli-io';
import { CliError, EXIT } from '../errors';
import { group, type CliCommand } from './command';
import { cliConfig, withMongo } from './context';

interface RebuildOptions {
  unit?: string;
  project?: string;
  all?: boolean;
  json?: boolean;
}

export interface RebuiltUnit {
  id: string;
  measure: string;
  before: number | null;
  after: number | null;
  events: number;
  parkedApplied: number;
  wasParked: string | null;
}

export interface RebuildReport {
  read: number;
  units: RebuiltUnit[];
}

/** Rounds of "read further, then try again" while ingest keeps counting past what was read. */
const ROUNDS = 5;

export function selectUnits(units: Iterable<TrackedUnit>, o: RebuildOptions): TrackedUnit[] {
  const chosen = [o.unit, o.project, o.all].filter((x) => x !== undefined && x !== false).length;
  if (chosen !== 1)
    throw new CliError('say what to rebuild: --unit <ids>, --project <name or id> or --all', EXIT.usage);
  const all = [...units];
  if (o.all) return all;
  if (o.project) {
    const found = all.filter((u) => u.projectName === o.project || u.projectId === o.project);
    if (found.length === 0) throw new CliError(`no project ${JSON.stringify(o.project)} in the catalogue`);
    return found;
  }
  const ids = (o.unit ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const byId = new Map(all.map((u) => [u.id, u]));
  const missing = ids.filter((id) => !byId.has(id));
  if (ids.length === 0 || missing.length > 0)
    throw new CliError(`no tracked unit ${missing.map((m) => JSON.stringify(m)).join(', ') || '(none given)'}`);
  return ids.map((id) => byId.get(id)!);
}

export async function rebuildProgress(
  options: RebuildOptions,
  io: CliIo,
  config: AppConfig = cliConfig(),
): Promise<RebuildReport> {
  const report = await withMongo(config, async (conn) => {
    const years = await BindingsProvider.fromConfig(conn, config).years(WALL_CLOCK.now());
    // --all and a project by name: the newest year; a unit or project id names its own year.
    const byName = options.all || (options.project !== undefined && !years.units.has(budgetTrackId(options.project)));
    const units = selectUnits((byName ? years.newest.units : years.units).values(), options);
    const yearOf = (id: string) => [...years.byYear].find(([, b]) => b.units.has(id))![0];
    const closed = [...new Set(units.map((u) => yearOf(u.id)))].filter((y) => years.closed.has(y));
    if (closed.length)
      throw new CliError(
        `fiscal year ${closed.join(', ')} is closed (npx iw years list): its progress is final and is not rebuilt`,
      );
    const clock = parseClockSpec(config.clock);
    // An event is routed in the fiscal year of its date, as ingest routes it.
    const bindingsFor = (occurredAt: string) =>
      years.byYear.get(fiscalYearOf(occurredAt, config.timeZone)) ?? years.newest;
    const scan = new RebuildScan(new Set(units.map((u) => u.id)), bindingsFor, {
      now: clock.now(),
      maxClockSkewMs: config.maxClockSkewMs,
    });
    const roleOf = new Map<string, ActualsRole>(ACTUALS_ROLES.map((r) => [config.kafka.topics[r], r]));
    const topics = [...roleOf.keys()];
    const client = new KafkaClient(config.kafka);
    const admin = new KafkaAdmin(client);
    try {
      await admin.connect();
    } catch (e) {
      throw new CliError(`Kafka at ${config.kafka.brokers.join(',')} is not reachable: ${(e as Error).message}`);
    }
    const groupId = `${config.kafka.clientId}-rebuild-${process.pid}-${WALL_CLOCK.now()}`;
    const consumer = new BatchConsumer(client, { groupId, topics, fromBeginning: true, maxWaitTimeMs: 500 });
    try {
      const ends = async () => {
        const out: Array<{ topic: string; partition: number; high: string }> = [];
        for (const topic of topics)
          for (const p of await admin.offsets(topic)) {
            // A rebuild counts from the first message: one the brokers deleted cannot be counted.
            if (Number(p.low) > 0)
              throw new CliError(
                `${topic} partition ${p.partition} starts at offset ${p.low}: earlier messages are gone (topic retention), so a rebuild would be short. Keep the actuals topics for the whole fiscal year (retention.ms=-1).`,
              );
            out.push({ topic, ...p });
          }
        return out;
      };
      await consumer.start(async (batch) => {
        const role = roleOf.get(batch.topic)!;
        for (const m of batch.messages) scan.take(role, m);
        return Promise.resolve();
      });
      const progress = new ProgressRepository(conn);
      const byUnit = new Map(units.map((u) => [u.id, u]));
      const before = await progress.find(units.map((u) => u.id));
      const done = new Map<string, RebuiltUnit>();
      const written = new Map<string, Progress>();
      let pending = units;
      for (let round = 0; pending.length > 0; round++) {
        if (round >= ROUNDS)
          throw new CliError(
            `ingest kept counting past what was read for ${pending.length} unit(s) after ${ROUNDS} rounds; run again`,
          );
        const target = await ends();
        const deadline = WALL_CLOCK.now() + 10 * 60_000;
        while (!scan.reached(target)) {
          if (WALL_CLOCK.now() > deadline)
            throw new CliError('reading the actuals topics took over 10 minutes; run again');
          await new Promise((r) => setTimeout(r, 200));
        }
        const behind = new Set<string>();
        const byId = new Map(pending.map((u) => [u.id, u]));
        await progress.update(
          pending.map((u) => u.id),
          (stored, id) => {
            const unit = byId.get(id)!;
            const r = rebuildUnit(stored, unit, scan.contributions(id), scan.scannedTo, config.timeZone);
            if (!r.ok) {
              behind.add(id);
              // The same version: nothing is written this round.
              return { progress: stored as Progress, indicatorId: unit.indicatorId, projectId: unit.projectId };
            }
            behind.delete(id);
            written.set(id, r.progress);
            done.set(id, {
              id,
              measure: r.progress.measure,
              before: before.get(id)?.actual ?? null,
              after: r.progress.actual,
              events: r.progress.eventCount,
              parkedApplied: r.parkedApplied,
              wasParked: stored?.parked?.reason ?? null,
            });
            return { progress: r.progress, indicatorId: unit.indicatorId, projectId: unit.projectId };
          },
          new Date(clock.now()),
        );
        pending = pending.filter((u) => behind.has(u.id));
      }
      // Like every durable change, a rebuilt unit is announced on indicators.progress, so alerting
      // judges it at once (with the version written: the store's claims may have moved it on).
      const stored = await progress.find([...written.keys()]);
      const producer = new KafkaProducer(client);
      await producer.connect();
      try {
        const at = new Date(clock.now()).toISOString();
        await producer.sendJson<ProgressMessage>(
          config.kafka.topics.progress,
          [...written.keys()].map((id) => ({
            key: id,
            value: progressMessageOf(stored.get(id) ?? written.get(id)!, byUnit.get(id)!, at),
          })),
        );
      } finally {
        await producer.disconnect();
      }
      return { read: scan.counts.read, units: units.map((u) => done.get(u.id)!) };
    } finally {
      await consumer.stop();
      await admin.deleteGroup(groupId).catch(() => undefined);
      await admin.disconnect();
    }
  });
  io.out(options.json ? JSON.stringify(report, null, 2) + '\n' : formatRebuild(report));
  return report;
}

export function formatRebuild(r: RebuildReport): string {
  const n = (v: number | null) => (v === null ? '—' : String(Math.round(v * 100) / 100));
  const lines = r.units.map(
    (u) =>
      `  ${JSON.stringify(u.id)} (${u.measure}): ${n(u.before)} → ${n(u.after)} from ${u.events} event(s)` +
      (u.wasParked !== null
        ? `; was parked (${JSON.stringify(u.wasParked)}), ${u.parkedApplied} parked event(s) applied`
        : ''),
  );
  lines.push(`rebuilt ${r.units.length} unit(s) from ${r.read} message(s) read`);
  return lines.join('\n') + '\n';
}

export const progressRebuildCommand: CliCommand = {
  name: 'progress rebuild',
  register(program, io) {
    group(program, 'progress', 'progress of tracked units')
      .command('rebuild')
      .description(
        'recompute tracked units from the actuals topics (from the first message, with the current bindings) and apply what they had parked',
      )
      .option('--unit <ids>', 'these tracked units (indicator, part or budget track ids), comma-separated')
      .option('--project <name>', 'every unit of this project (name or id)')
      .option('--all', 'every tracked unit')
      .option('--json', 'print the report as JSON')
      // `iw progress` has its own --project and --json: commander hands them to it, whatever their place.
      .action(
        async (_options: RebuildOptions, cmd: Command) =>
          void (await rebuildProgress(cmd.optsWithGlobals<RebuildOptions>(), io)),
      );
  },
};

import { z } from 'zod';
import { IsoInstantSchema, StatusCountsSchema } from './common.dto';

const PartitionSchema = z.object({
  topic: z.string(),
  partition: z.number().int(),
  /** Next offset the group will read; null when it never committed there. */
  committed: z.string().nullable(),
  end: z.string(),
  lag: z.number().int(),
});

const ConsumerGroupSchema = z.object({
  role: z.enum(['ingest', 'alerting']),
  group: z.string(),
  topics: z.array(z.string()),
  partitions: z.array(PartitionSchema),
  totalLag: z.number().int().nullable(),
  /** Why the offsets could not be read (Kafka down, …). */
  error: z.string().nullable(),
});

const TopicSchema = z.object({
  topic: z.string(),
  /** Messages read since the live instances started (summed). */
  events: z.number().int(),
  rejected: z.number().int(),
  duplicates: z.number().int(),
  /** Events/s over the last 1 and 5 minutes; null when the instances report rates per service only. */
  rate1m: z.number().nullable(),
  rate5m: z.number().nullable(),
  lastEventAt: IsoInstantSchema.nullable(),
});

const WatermarkSchema = z.object({
  topic: z.string(),
  /** The actuals role the topic carries (inspectionBatches, cases …). */
  role: z.string(),
  /**
   * Domain time up to which ingest has processed the topic (the earliest of its partitions'):
   * alerting judges the units it feeds as of this time. Null until ingest reported every partition.
   */
  watermark: IsoInstantSchema.nullable(),
  /** `YYYY-MM-DD HH:mm` in IW_TIMEZONE; null with the watermark. */
  local: z.string().nullable(),
  /** Domain seconds the watermark is behind the clock's now (0: current). */
  lagSeconds: z.number().int().nullable(),
  partitions: z.array(z.object({ partition: z.number().int(), watermark: IsoInstantSchema.nullable() })),
  /** Wall-clock time of ingest's last report; an old one means ingest is not running. */
  updatedAt: IsoInstantSchema,
});

const ServiceSchema = z.object({
  service: z.string(),
  instance: z.string(),
  version: z.string(),
  startedAt: IsoInstantSchema,
  updatedAt: IsoInstantSchema,
  uptimeSeconds: z.number(),
  rate1m: z.number(),
  rate5m: z.number(),
});

export const OpsStatusSchema = z.object({
  status: z.object({
    service: z.literal('status'),
    version: z.string(),
    startedAt: IsoInstantSchema,
    uptimeSeconds: z.number(),
    node: z.string(),
  }),
  /** Domain time (IW_CLOCK) and how it runs. */
  clock: z.object({
    now: IsoInstantSchema,
    /** `YYYY-MM-DD HH:mm` in IW_TIMEZONE */ local: z.string(),
    kind: z.string(),
    speed: z.number(),
    timeZone: z.string(),
  }),
  consumers: z.array(ConsumerGroupSchema),
  /** Per source (actuals topic): how far ingest has processed it in event time, and how far behind the clock. */
  watermarks: z.array(WatermarkSchema),
  /** Ingest throughput, summed over live instances (reported within the last 30 s). */
  events: z.object({ rate1m: z.number(), rate5m: z.number(), topics: z.array(TopicSchema) }),
  services: z.array(ServiceSchema),
  dlq: z.object({
    count: z.number().int(),
    byReason: z.record(z.string(), z.number().int()),
    latest: z.array(
      z.object({
        at: IsoInstantSchema,
        topic: z.string(),
        partition: z.number().int(),
        offset: z.string(),
        reasonClass: z.string(),
        reason: z.string(),
      }),
    ),
  }),
  /** Units ingest parked (their state cannot take their events): kept aside until `iw progress rebuild`. */
  parked: z.array(
    z.object({
      unit: z.string(),
      indicatorId: z.string().nullable(),
      projectId: z.string(),
      reason: z.string(),
      since: IsoInstantSchema,
      events: z.number().int(),
    }),
  ),
  outbox: z.object({
    /** Notifications waiting to be grouped or sent. */
    backlog: z.number().int(),
    oldestPendingAgeSeconds: z.number().nullable(),
    /** Backlog entries whose send failed at least once, and of those the permanent (5xx) ones. */
    failing: z.number().int(),
    permanentFailures: z.number().int(),
    sent: z.number().int(),
    muted: z.number().int(),
  }),
  /**
   * `dlq`, `parked` and `outbox` are read in the background at most every `everySeconds`
   * (IW_STATUS_SNAPSHOT_EVERY) and shared by every request: they hold as of `asOf`, `ageSeconds` ago.
   */
  snapshot: z.object({
    parts: z.array(z.string()),
    asOf: IsoInstantSchema,
    ageSeconds: z.number().int(),
    everySeconds: z.number().int(),
  }),
  indicators: z.object({
    fiscalYear: z.number().int().nullable(),
    /** Tracked units (an indicator, or each part of a compound), by status. */
    units: z.number().int(),
    byStatus: StatusCountsSchema,
    /** Units whose status is alerting's settled one. */
    settled: z.number().int(),
    bindingsError: z.string().nullable(),
  }),
  budget: z.object({
    /** 万元 */
    funds: z.number(),
    spent: z.number(),
    executionRate: z.number().nullable(),
    timeElapsed: z.number().nullable(),
  }),
  /** Parts of the answer that could not be read, by part. */
  errors: z.record(z.string(), z.string()),
});
export type OpsStatus = z.infer<typeof OpsStatusSchema>;

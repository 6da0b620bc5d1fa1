import type { Connection } from 'mongoose';
import { collection } from './collections';

export interface TopicStats {
  topic: string;
  events: number;
  applied: number;
  duplicates: number;
  rejected: number;
  lastEventAt: Date | null;
  /** Events per second on this topic over the last 1 and 5 minutes. */
  rate1m?: number;
  rate5m?: number;
}

/** A service instance's rolling figures, written every few seconds, read by /status. */
export interface ServiceStatsDoc {
  _id: string; // `${service}:${instance}`
  service: 'ingest' | 'alerting';
  instance: string;
  version: string;
  startedAt: Date;
  updatedAt: Date;
  /** Counters since start, one entry per topic (a list: topic names contain dots). */
  topics: TopicStats[];
  /** Events per second over the last 1 and 5 minutes (all topics). */
  rate1m: number;
  rate5m: number;
  extra?: Record<string, unknown>;
}

export class StatsRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<ServiceStatsDoc>(this.conn, 'service_stats');
  }

  async write(doc: ServiceStatsDoc): Promise<void> {
    await this.col.replaceOne({ _id: doc._id }, doc, { upsert: true });
  }

  /** Instances that reported within `freshMs`. */
  async live(service: ServiceStatsDoc['service'], sinceMs: number): Promise<ServiceStatsDoc[]> {
    return this.col.find({ service, updatedAt: { $gte: new Date(sinceMs) } }).toArray();
  }
}

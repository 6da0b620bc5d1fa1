import { Inject, Injectable } from '@nestjs/common';
import { isSilenced, type Alert } from '@iw/alerts';
import type { AppConfig } from '@iw/config';
import { parseSilenceUntil } from '@iw/mongo';
import type { AckBody, AlertList, AlertQuery, AlertView, SilenceBody } from '../dtos/alert.dto';
import { Store } from '../adapters/store';
import { APP_CONFIG } from '../tokens';
import { TrackingService } from './tracking.service';

/** Alerts as alerting keeps them; acknowledging and silencing go through the alert repository's compare-and-set. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly store: Store,
    private readonly tracking: TrackingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `readable`: only alerts of projects the caller may read. */
  async list(query: AlertQuery, readable: (projectId: string) => boolean = () => true): Promise<AlertList> {
    const now = this.tracking.now();
    const stored = await this.store.alerts.list({ state: query.state, projectId: query.project });
    return {
      now: new Date(now).toISOString(),
      alerts: stored.filter((s) => readable(s.alert.unit.projectId)).map((s) => alertView(s.alert, now)),
    };
  }

  async acknowledge(id: string, body: AckBody): Promise<AlertView> {
    const now = this.tracking.now();
    return alertView(await this.store.alerts.acknowledge(id, { now, by: body.by }), now);
  }

  async unsilence(id: string, body: AckBody): Promise<AlertView> {
    const now = this.tracking.now();
    return alertView(await this.store.alerts.unsilence(id, { now, by: body.by }), now);
  }

  async silence(id: string, body: SilenceBody): Promise<AlertView> {
    const now = this.tracking.now();
    const until = parseSilenceUntil(body.until, this.config.timeZone);
    return alertView(await this.store.alerts.silence(id, until, { now, by: body.by }), now);
  }
}

export function alertView(a: Alert, now: number): AlertView {
  return {
    id: a.id,
    state: a.state,
    severity: a.severity,
    status: a.status,
    unit: a.unit,
    openedAt: a.openedAt,
    updatedAt: a.updatedAt,
    endedAt: a.endedAt,
    lastNotifiedAt: a.lastNotifiedAt,
    repeatCount: a.repeatCount,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    silencedUntil: a.silencedUntil,
    silencedBy: a.silencedBy,
    silenced: isSilenced(a, now),
    last: a.last,
    history: a.history,
  };
}

import { Injectable, NotFoundException } from '@nestjs/common';
import type { DeviationBody, IndicatorDetail, IndicatorList, IndicatorQuery } from '../dtos/indicator.dto';
import { Store } from '../adapters/store';
import { TrackingService } from './tracking.service';
import { indicatorDetail, indicatorView } from './views';

/** Indicators judged now, one with its daily history, and owners' 偏差原因 / 整改措施. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly tracking: TrackingService,
    private readonly store: Store,
  ) {}

  /** `readable`: the projects the reader may list (AccessService.listFilter); only those are judged. */
  async list(query: IndicatorQuery, readable: (projectId: string) => boolean): Promise<IndicatorList> {
    const t = await this.tracking.snapshot({
      ...(query.project === undefined ? {} : { projectId: query.project }),
      year: query.year,
      only: readable,
    });
    if (query.year !== undefined && t.fiscalYear === null)
      throw new NotFoundException(`目标表目录中没有 ${query.year} 年度`);
    const wanted = query.status ? new Set<string>(query.status) : null;
    const indicators = t.projects
      .filter((p) => readable(p.doc._id))
      .flatMap((p) => p.indicators)
      .filter((i) => !wanted || wanted.has(i.status));
    return { now: new Date(t.now).toISOString(), fiscalYear: t.fiscalYear, indicators: indicators.map(indicatorView) };
  }

  async get(id: string): Promise<IndicatorDetail> {
    const i = await this.tracking.indicator(id);
    if (!i) throw new NotFoundException(`指标未纳入监控：${id}`);
    return indicatorDetail(i, this.tracking.now());
  }

  /** Stores the owner's reason and measures; they appear in the 绩效监控表 from now on. */
  async setDeviation(id: string, body: DeviationBody): Promise<IndicatorDetail> {
    const found = await this.store.setDeviation(id, {
      category: body.category,
      remark: body.remark,
      measures: body.measures,
      // When it was written, in the domain's time like every date the owners see.
      updatedAt: new Date(this.tracking.now()),
      ...(body.by ? { updatedBy: body.by } : {}),
    });
    if (!found) throw new NotFoundException(`找不到指标：${id}`);
    return this.get(id);
  }
}

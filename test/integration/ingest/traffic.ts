/**
 * Mixed actuals traffic for the seed catalogue, and the totals it must produce, computed
 * here from the published events alone — independently of libs/measures — so a test compares
 * the pipeline against arithmetic it did not share code with.
 */
import type { TopicRole } from '@iw/config';
import { mulberry32 } from '@iw/simulator';

export const P_INSPECT = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';
export const P_FOOD = '自治区市场监督管理局食品品监督管理';
export const SURVEY_KEY = '被检单位对抽检工作的满意度';
export const REGIONS = [
  '乌鲁木齐市',
  '克拉玛依市',
  '吐鲁番市',
  '哈密市',
  '昌吉州',
  '博州',
  '巴州',
  '阿克苏地区',
  '克州',
  '喀什地区',
  '和田地区',
  '伊犁州',
  '塔城地区',
  '阿勒泰地区',
];
const CATEGORIES = ['汽油', '柴油', '化肥', '农膜', '食品'];

/** The simulator's deterministic PRNG (mulberry32). */
export const rng = mulberry32;

export interface Published {
  role: TopicRole;
  key: string;
  event: Record<string, unknown>;
}

export interface Ids {
  /** An unbound `%` indicator fed by `set` measurements (measure: latest). */
  latestIndicator: string;
  /** A deadline indicator fed by milestone measurements. */
  milestoneIndicator: string;
  projectId: string;
}

function dateIn2019(r: () => number): string {
  const day = 1 + Math.floor(r() * 360);
  const d = new Date(Date.UTC(2019, 0, day, Math.floor(r() * 24) - 8, Math.floor(r() * 60), Math.floor(r() * 60)));
  return d.toISOString().replace('Z', '+00:00');
}

export function generateTraffic(n: number, seed: number, runId: string, ids: Ids): Published[] {
  const r = rng(seed);
  const out: Published[] = [];
  const openCases: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = { eventId: `${runId}-${i}`, occurredAt: dateIn2019(r), source: 'test', schemaVersion: 1 };
    const pick = r();
    if (pick < 0.45) {
      const category = CATEGORIES[Math.floor(r() * CATEGORIES.length)];
      const batches = Math.floor(r() * 20);
      const event = {
        ...base,
        category,
        batches,
        qualifiedBatches: Math.floor(r() * (batches + 1)),
        region: REGIONS[Math.floor(r() * 14)],
        costYuan: Math.round(r() * 50_000),
      };
      out.push({ role: 'inspectionBatches', key: category, event });
    } else if (pick < 0.65) {
      const closing = openCases.length > 0 && r() < 0.5;
      const caseId = closing ? openCases.splice(Math.floor(r() * openCases.length), 1)[0] : `${runId}-case-${i}`;
      if (!closing) openCases.push(caseId);
      out.push({
        role: 'cases',
        key: caseId,
        event: { ...base, caseId, action: closing ? 'closed' : 'opened', projectName: P_INSPECT },
      });
    } else if (pick < 0.8) {
      const respondents = 1 + Math.floor(r() * 40);
      out.push({
        role: 'surveys',
        key: SURVEY_KEY,
        event: { ...base, surveyKey: SURVEY_KEY, respondents, satisfied: Math.floor(r() * (respondents + 1)) },
      });
    } else if (pick < 0.9) {
      out.push({
        role: 'spending',
        key: P_INSPECT,
        event: { ...base, projectName: P_INSPECT, amountYuan: Math.round(r() * 100_000) / 100 },
      });
    } else if (pick < 0.97) {
      out.push({
        role: 'measurements',
        key: ids.latestIndicator,
        event: { ...base, indicatorId: ids.latestIndicator, kind: 'set', value: Math.round(r() * 1000) / 10 },
      });
    } else {
      out.push({
        role: 'measurements',
        key: ids.milestoneIndicator,
        event: {
          ...base,
          occurredAt: '2019-03-01T10:00:00+08:00',
          indicatorId: ids.milestoneIndicator,
          kind: 'milestone',
          done: r() < 0.7,
        },
      });
    }
  }
  return out;
}

export interface Totals {
  gasolineBatches: number;
  coverageRegions: number;
  costSum: number;
  costBatches: number;
  casesClosed: number;
  casesOpened: number;
  foodQualified: number;
  foodBatches: number;
  surveySatisfied: number;
  surveyRespondents: number;
  spentYuan: number;
  latestValue: number | null;
  milestoneDone: boolean | null;
  eventsByEventId: number;
}

/** What the pipeline must show after `events` (duplicates by eventId count once). */
export function expectedTotals(events: Published[]): Totals {
  const seen = new Set<string>();
  const regions = new Set<string>();
  const t: Totals = {
    gasolineBatches: 0,
    coverageRegions: 0,
    costSum: 0,
    costBatches: 0,
    casesClosed: 0,
    casesOpened: 0,
    foodQualified: 0,
    foodBatches: 0,
    surveySatisfied: 0,
    surveyRespondents: 0,
    spentYuan: 0,
    latestValue: null,
    milestoneDone: null,
    eventsByEventId: 0,
  };
  let milestone: { at: number; id: string; done: boolean } | null = null;
  let latest: { at: number; id: string; value: number } | null = null;
  for (const { role, event: e } of events) {
    const key = `${role}|${String(e.eventId)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    t.eventsByEventId++;
    if (role === 'inspectionBatches') {
      const c = e.category as string;
      const b = e.batches as number;
      if (c === '汽油') t.gasolineBatches += b;
      if (['汽油', '柴油', '化肥', '农膜'].includes(c)) regions.add(e.region as string);
      if (c === '汽油' || c === '柴油') {
        t.costSum += e.costYuan as number;
        t.costBatches += b;
      }
      if (c === '食品') {
        t.foodQualified += e.qualifiedBatches as number;
        t.foodBatches += b;
      }
    } else if (role === 'cases') {
      if (e.action === 'closed') t.casesClosed++;
      else t.casesOpened++;
    } else if (role === 'surveys') {
      t.surveySatisfied += e.satisfied as number;
      t.surveyRespondents += e.respondents as number;
    } else if (role === 'spending') {
      t.spentYuan += e.amountYuan as number;
    } else if (role === 'measurements' && e.kind === 'set') {
      const at = Date.parse(e.occurredAt as string);
      const id = e.eventId as string;
      if (!latest || at > latest.at || (at === latest.at && id > latest.id))
        latest = { at, id, value: e.value as number };
    } else if (role === 'measurements' && e.kind === 'milestone') {
      const at = Date.parse(e.occurredAt as string);
      const id = e.eventId as string;
      if (!milestone || at > milestone.at || (at === milestone.at && id > milestone.id))
        milestone = { at, id, done: e.done as boolean };
    }
  }
  t.coverageRegions = regions.size;
  t.spentYuan = Math.round(t.spentYuan * 100) / 100;
  t.latestValue = latest?.value ?? null;
  t.milestoneDone = milestone?.done ?? null;
  return t;
}

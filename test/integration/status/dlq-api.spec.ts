import { connectMongo, DlqRepository } from '@iw/mongo';
import { DlqListSchema, type DlqList } from '../../../apps/status/src/dtos/dlq.dto';
import { NOW, startHarness, type StatusHarness } from './harness';

/**
 * `GET /api/dlq` and the DLQ page (`/dlq`) on the real server: paged newest first, filtered as `iw dlq list` filters,
 * each record with its redrive state; a selection it cannot read is a 400 with the reason.
 */
jest.setTimeout(180_000);

let h: StatusHarness;

beforeAll(async () => {
  h = await startHarness();
  const conn = await connectMongo(h.mongoUrl);
  try {
    const repo = new DlqRepository(conn);
    const rec = (topic: string, offset: number, reasonClass: string, minutesAgo: number, extra = {}) => ({
      topic,
      partition: 0,
      offset: String(offset),
      key: `k${offset}`,
      reasonClass,
      reason: `${reasonClass} ${offset}`,
      preview: `{"n":${offset}}`,
      at: new Date(NOW - minutesAgo * 60_000),
      originalSize: 8,
      ...extra,
    });
    // The harness holds one schema record (t.actuals.cases:0:7, at NOW); these add five more.
    await repo.record([
      rec(h.topics.spending, 1, 'unknown_project', 50, { originalBase64: 'e30=' }),
      rec(h.topics.spending, 2, 'unknown_project', 40, { originalBase64: 'e30=' }),
      rec(h.topics.inspectionBatches, 3, 'future_event', 30, { originalBase64: 'e30=' }),
      rec(h.topics.inspectionBatches, 4, 'unbound', 2 * 24 * 60),
      rec(h.topics.spending, 5, 'unknown_project', 10, {
        redriveOf: `${h.topics.spending}:0:1`,
        preview: '{"projectName":"<script>window.__xss=3</script>"}',
      }),
    ]);
    const first = `${h.topics.spending}:0:1`;
    expect(await repo.claimRedrive(first, 1, 'cli:ops@host', new Date())).toBe(true);
    await repo.markRedriven([{ dlqId: first, attempt: 1, by: 'cli:ops@host' }], new Date());
  } finally {
    await conn.close();
  }
});

afterAll(async () => {
  await h?.close();
});

async function list(query: string): Promise<DlqList> {
  const res = await h.get(`/api/dlq${query}`);
  expect(res.status).toBe(200);
  return DlqListSchema.parse(await res.json());
}

it('pages every record newest first', async () => {
  const all = await list('');
  expect(all.total).toBe(6);
  expect(all.items.map((i) => i.offset)).toEqual(['7', '5', '3', '2', '1', '4']);
  const p2 = await list('?limit=2&page=2');
  expect(p2).toMatchObject({ total: 6, page: 2, limit: 2 });
  expect(p2.items.map((i) => i.offset)).toEqual(['3', '2']);
});

it('filters by reason, topic, since and state, and shows the redrive state', async () => {
  const byReason = await list('?reason=unknown_project');
  expect(byReason.items.map((i) => i.offset)).toEqual(['5', '2', '1']);
  const redriven = byReason.items.find((i) => i.offset === '1')!;
  expect(redriven.redrive).toMatchObject({ state: 'published', attempt: 1, by: 'cli:ops@host' });
  expect(redriven.redrivable).toBe(true);
  const copy = byReason.items.find((i) => i.offset === '5')!;
  expect(copy).toMatchObject({ redriveOf: `${h.topics.spending}:0:1`, redrive: null, redrivable: false });

  expect((await list('?topic=inspectionBatches')).items.map((i) => i.offset)).toEqual(['3', '4']);
  expect((await list('?state=redriven')).items.map((i) => i.offset)).toEqual(['1']);
  expect((await list('?state=pending&reason=unknown_project,unbound')).items.map((i) => i.offset)).toEqual([
    '5',
    '2',
    '4',
  ]);
  // Since the local day of NOW (1 July, Asia/Shanghai): the record of two days ago is left out.
  expect((await list('?since=2019-07-01')).total).toBe(5);
});

it.each([
  ['?reason=bogus', /unknown reason \\"bogus\\" \(one of too_large/],
  ['?since=yesterday', /neither a date/],
  ['?state=done', /pending or redriven/],
  ['?limit=501', /limit/],
  ['?extra=1', /extra/],
])('answers %s with 400 and the reason', async (query, message) => {
  const res = await h.get(`/api/dlq${query}`);
  expect(res.status).toBe(400);
  // The raw JSON body: quotes inside the message come escaped.
  expect(await res.text()).toMatch(message);
});

it('shows the DLQ page in Chinese: reason, preview escaped, redrive state, paging', async () => {
  const res = await h.get('/dlq?reason=unknown_project&limit=2');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  const page = await res.text();
  expect(page).toContain('死信（DLQ）');
  expect(page).toContain('第 1–2 条，共 3 条（最新在前）');
  expect(page).toContain(`href="/dlq?reason=unknown_project&amp;page=2&amp;limit=2">下一页</a>`);
  expect(page).toContain(`<tr data-id="${h.topics.spending}:0:5">`);
  expect(page).toContain('<td data-reason="unknown_project">未知项目</td>');
  expect(page).toContain('&lt;script&gt;window.__xss=3&lt;/script&gt;');
  expect(page).not.toContain('<script>window.__xss=3');
  expect(page).toContain(`重放自 ${h.topics.spending}:0:1`);
  expect(page).toContain(`npx iw dlq redrive --ids ${h.topics.spending}:0:2`);
  expect(page).toMatch(/<option value="unknown_project" selected>未知项目（unknown_project）<\/option>/);
  const second = await (await h.get('/dlq?reason=unknown_project&limit=2&page=2')).text();
  expect(second).toMatch(
    /<span data-redrive="published">已重放 2\d{3}-\d{2}-\d{2} \d{2}:\d{2}（cli:ops@host）<\/span>/,
  );
  expect(second).toContain('上一页');
  // The pipeline's DLQ tile (on /ops) links here.
  expect(await (await h.get('/ops')).text()).toContain('<a href="/dlq">死信（DLQ）</a>');
});

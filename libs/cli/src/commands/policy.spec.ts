import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../cli-io';
import { runCli } from '../main';

const SAMPLE = join(__dirname, '../../../../samples/policy.yaml');

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe('iw policy check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'iw-policy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts the sample and says what it holds', async () => {
    const r = await iw('policy', 'check', SAMPLE);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain(`${SAMPLE}: ok`);
    expect(r.out).toContain('escalate_after 7d');
    expect(r.out).toContain('group_wait 30s · group_interval 1h · repeat_interval 7d');
    expect(r.out).toContain('weekly digest: monday 09:00 local time');
  });

  it('shows a route’s group_interval, and IW_GROUP_INTERVAL as the default', async () => {
    const file = join(dir, 'interval.yaml');
    writeFileSync(file, 'routes:\n  - match: { status: off_track }\n    group_interval: 10m\n');
    const before = process.env.IW_GROUP_INTERVAL;
    process.env.IW_GROUP_INTERVAL = '2h';
    try {
      const r = await iw('policy', 'check', file);
      expect([r.code, r.err]).toEqual([0, '']);
      expect(r.out).toContain('defaults: receivers owners · group_wait 30s · group_interval 2h');
      expect(r.out).toContain('route 1 (line 2): status=off_track → group_interval 10m');
    } finally {
      if (before === undefined) delete process.env.IW_GROUP_INTERVAL;
      else process.env.IW_GROUP_INTERVAL = before;
    }
  });

  it('lists the routes with their lines', async () => {
    const file = join(dir, 'routes.yaml');
    writeFileSync(
      file,
      'routes:\n  - match: { status: [off_track, missed], agency: 市交通局 }\n    receivers: [owners, office]\n',
    );
    const r = await iw('policy', 'check', file);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toContain('route 1 (line 2): status=off_track|missed agency=市交通局 → receivers owners, office');
  });

  it('names the file, line and key of each problem, exit 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'defaults:\n  escalate_after: a week\nroutes:\n  - match: { status: late }\n');
    const r = await iw('policy', 'check', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:2: defaults.escalate_after: "a week" is not a duration`);
    expect(r.err).toContain(`${file}:4: routes[0].match.status: "late" is not a status`);
  });

  it('a missing file is a one-line error', async () => {
    const r = await iw('policy', 'check', join(dir, 'none.yaml'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('none.yaml: cannot read (ENOENT)');
  });
});

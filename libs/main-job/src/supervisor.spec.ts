import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NODE_FLAGS } from './plan';
import { Supervisor } from './supervisor';

/** Tiny stand-ins for the services: one stops cleanly on SIGTERM, one crashes, one ignores SIGTERM. */
const SCRIPTS = {
  polite: `process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); console.log('listening'); console.error('WARN low disk'); setInterval(() => {}, 1000);`,
  crash: `console.log('starting'); setTimeout(() => { console.error('ERROR cannot start: boom'); process.exit(3); }, 100);`,
  stubborn: `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000);`,
  flags: `console.log('flags ' + JSON.stringify(process.execArgv)); process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000);`,
};

describe('Supervisor', () => {
  let dir: string;
  const entry = (name: keyof typeof SCRIPTS) => {
    const file = path.join(dir, `${name}.js`);
    fs.writeFileSync(file, SCRIPTS[name]);
    return { name, entry: file };
  };
  const until = async (cond: () => boolean) => {
    // Generous: a child node process can take seconds to start on a busy machine.
    for (let i = 0; i < 800 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  };
  const started: Supervisor[] = [];
  const supervisor = (o: ConstructorParameters<typeof Supervisor>[0]) => {
    const s = new Supervisor(o);
    started.push(s);
    return s;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-sup-'))));
  afterEach(async () => {
    // A failed test must not leave a child behind.
    await Promise.all(started.splice(0).map((s) => s.stop(200)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs to files, echoes warnings, and stops the children cleanly', async () => {
    const notices: string[] = [];
    const sup = supervisor({
      cwd: dir,
      env: process.env,
      logDir: path.join(dir, 'logs'),
      onNotice: (n, l) => notices.push(`${n}: ${l}`),
    });
    sup.start([entry('polite')]);
    const log = path.join(dir, 'logs', 'polite.log');
    await until(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('listening'));
    expect(await sup.stop(15_000)).toEqual([{ name: 'polite', code: 0, signal: null }]);
    expect(notices).toEqual(['polite: WARN low disk']);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/started by the main job[\s\S]*listening[\s\S]*bye/);
    expect(sup.running).toEqual([]);
  });

  it('reports a child that dies on its own, with its last lines', async () => {
    const died: Array<{ name: string; how: string; tail: string[] }> = [];
    const sup = supervisor({
      cwd: dir,
      env: process.env,
      logDir: dir,
      onUnexpectedExit: (name, how, tail) => died.push({ name, how, tail: [...tail] }),
    });
    sup.start([entry('crash'), entry('polite')]);
    await until(() => died.length > 0);
    expect(died).toEqual([{ name: 'crash', how: 'exit code 3', tail: ['starting', 'ERROR cannot start: boom'] }]);
    expect(await sup.stop(15_000)).toEqual([
      { name: 'crash', code: 3, signal: null },
      { name: 'polite', code: 0, signal: null },
    ]);
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    const sup = supervisor({ cwd: dir, env: process.env, logDir: dir });
    sup.start([entry('stubborn')]);
    const log = path.join(dir, 'stubborn.log');
    await until(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('up'));
    const t0 = Date.now();
    expect(await sup.stop(300)).toEqual([{ name: 'stubborn', code: null, signal: 'SIGKILL' }]);
    expect(Date.now() - t0).toBeLessThan(10_000); // 300 ms of grace, then SIGKILL: not the 25 s default
  });

  // (Linux, as the README's prerequisites) The process group is the 5th field of /proc/<pid>/stat (after the parenthesised name).
  const processGroup = (pid: number) =>
    Number(
      fs
        .readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ')[2],
    );

  it('runs each child in a process group of its own: a terminal Ctrl-C reaches the main job only', async () => {
    const sup = supervisor({ cwd: dir, env: process.env, logDir: dir });
    sup.start([entry('polite')]);
    const pid = sup.pids.polite!;
    await until(
      () =>
        fs.existsSync(path.join(dir, 'polite.log')) &&
        fs.readFileSync(path.join(dir, 'polite.log'), 'utf8').includes('listening'),
    );
    expect(processGroup(pid)).toBe(pid);
    expect(processGroup(pid)).not.toBe(processGroup(process.pid));
    expect(await sup.stop(15_000)).toEqual([{ name: 'polite', code: 0, signal: null }]);
  });

  it('stops in stages: the named children first, the rest later', async () => {
    const sup = supervisor({ cwd: dir, env: process.env, logDir: dir });
    const polite = entry('polite');
    sup.start([
      { name: 'alerting', entry: polite.entry },
      { name: 'ingest', entry: polite.entry },
    ]);
    await until(() =>
      ['alerting', 'ingest'].every(
        (n) =>
          fs.existsSync(path.join(dir, `${n}.log`)) &&
          fs.readFileSync(path.join(dir, `${n}.log`), 'utf8').includes('listening'),
      ),
    );
    expect(await sup.stop(15_000, ['alerting'])).toEqual([{ name: 'alerting', code: 0, signal: null }]);
    expect(sup.running).toEqual(['ingest']);
    expect(await sup.stop(15_000, ['ingest'])).toEqual([{ name: 'ingest', code: 0, signal: null }]);
    expect(sup.running).toEqual([]);
  });

  it('starts each child with its Node flags (NODE_FLAGS), and none when it has none', async () => {
    const sup = supervisor({ cwd: dir, env: process.env, logDir: dir });
    const flags = entry('flags');
    sup.start([
      { name: 'alerting', entry: flags.entry, nodeFlags: NODE_FLAGS.alerting },
      { name: 'ingest', entry: flags.entry },
    ]);
    const line = (name: string) =>
      /flags (.*)/.exec(
        fs.existsSync(path.join(dir, `${name}.log`)) ? fs.readFileSync(path.join(dir, `${name}.log`), 'utf8') : '',
      )?.[1];
    await until(() => line('alerting') !== undefined && line('ingest') !== undefined);
    expect(JSON.parse(line('alerting')!)).toEqual([...NODE_FLAGS.alerting]);
    expect(NODE_FLAGS.alerting.length).toBeGreaterThan(0);
    expect(JSON.parse(line('ingest')!)).toEqual([]);
  });

  it('refuses an entry that is not built', () => {
    const sup = supervisor({ cwd: dir, env: process.env, logDir: dir });
    expect(() => sup.start([{ name: 'ingest', entry: path.join(dir, 'dist/apps/ingest/src/main.js') }])).toThrow(
      /npm run build/,
    );
  });
});

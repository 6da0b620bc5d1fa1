/**
 * A V8 `.cpuprofile` (node --cpu-prof) summarised: self time per function and per package,
 * so the bench can say what limits ingest with figures. Pure.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number; // µs
  endTime: number; // µs
  samples?: number[];
  timeDeltas?: number[]; // µs
}

export interface FrameCost {
  name: string;
  where: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, in %. */
  pct: number;
}

export interface ProfileSummary {
  wallMs: number;
  busyMs: number;
  idleMs: number;
  gcMs: number;
  top: FrameCost[];
  byPackage: Array<{ package: string; selfMs: number; pct: number }>;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a frame's code comes from: an npm package, one of ours, Node itself, or V8. */
export function packageOf(url: string, functionName = ''): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  // The innermost node_modules names the package (mongodb/node_modules/bson → bson).
  const nm = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].pop();
  if (nm) return nm[1];
  const ours = /\/(apps|libs)\/([^/]+)\/(?:src|bench)\//.exec(url);
  if (ours) return ours[1] === 'apps' ? `apps/${ours[2]}` : `@iw/${ours[2]}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  // Our compiled code: the path inside the build folder (dist/ or the bench's .local/bench-*/).
  const built = /\/(?:dist|\.local\/bench-[^/]+)\/(.*)$/.exec(url);
  if (built) return built[1];
  return url.replace(/^file:\/\//, '');
}

/** Self time in µs per node id, from samples × deltas (or hit counts when absent). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (samples && timeDeltas && samples.length === timeDeltas.length && samples.length > 0) {
    // timeDeltas[i] is the gap before sample i; the time until the next sample belongs to sample i.
    for (let i = 0; i < samples.length; i++) {
      const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
      self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, dt));
    }
    return self;
  }
  const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const per = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const n of profile.nodes) self.set(n.id, (n.hitCount ?? 0) * per);
  return self;
}

export function summariseProfile(profile: CpuProfile, topN = 15): ProfileSummary {
  const self = selfTimes(profile);
  const byFrame = new Map<string, { name: string; where: string; us: number }>();
  const byPkg = new Map<string, number>();
  let idle = 0;
  let gc = 0;
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    if (functionName === '(garbage collector)') gc += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = byFrame.get(key) ?? { name, where, us: 0 };
    f.us += us;
    byFrame.set(key, f);
    const pkg = packageOf(url, functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => (busy > 0 ? Math.round((us / busy) * 1000) / 10 : 0);
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    wallMs: ms(profile.endTime - profile.startTime),
    busyMs: ms(busy),
    idleMs: ms(idle),
    gcMs: ms(gc),
    top: [...byFrame.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((f) => ({ name: f.name, where: f.where, selfMs: ms(f.us), pct: pct(f.us) })),
    byPackage: [...byPkg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([p, us]) => ({ package: p, selfMs: ms(us), pct: pct(us) })),
  };
}

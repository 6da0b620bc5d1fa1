import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot, loadConfig, parseDuration } from '@iw/config';
import { DEFAULT_POLICY, parsePolicy, policyBase, POLICY_SETTING_KEYS } from './policy';

/**
 * The policy's documentation says what the code does: README's "Notification policy" example
 * (whose defaults it calls the defaults), samples/policy.yaml and the configuration table name
 * every setting, and the defaults they state are those of the code and of libs/config.
 */

const ROOT = findRepoRoot();
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const SAMPLE = fs.readFileSync(path.join(ROOT, 'samples/policy.yaml'), 'utf8');
const env = loadConfig({}, path.join(os.tmpdir(), 'iw-no-such-dotenv')).alerting;
const ENV_DEFAULTS: Record<string, number> = {
  IW_GROUP_WAIT: env.groupWaitMs,
  IW_GROUP_INTERVAL: env.groupIntervalMs,
  IW_REPEAT_INTERVAL: env.repeatIntervalMs,
};

function readmeExample(): string {
  const section = README.slice(README.indexOf('\n### Notification policy\n'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README: no yaml example under "Notification policy"');
  return block[1];
}

describe('the notification policy docs', () => {
  it('README’s example parses, and its defaults are the code’s', () => {
    const { policy, problems } = parsePolicy(readmeExample(), policyBase(env));
    expect(problems).toEqual([]);
    expect(policy!.defaults).toEqual(DEFAULT_POLICY.defaults);
    expect(policy!.digest).toEqual(DEFAULT_POLICY.digest);
  });

  it('the environment’s defaults are the policy’s (an empty file is DEFAULT_POLICY)', () => {
    expect(policyBase(env)).toEqual(DEFAULT_POLICY.defaults);
  });

  it.each(POLICY_SETTING_KEYS.map((k) => [k]))('%s is named in README’s example and in samples/policy.yaml', (key) => {
    expect(readmeExample()).toMatch(new RegExp(`^\\s+${key}:`, 'm'));
    expect(SAMPLE).toMatch(new RegExp(`^\\s+#?\\s*${key}:`, 'm'));
  });

  it('every "unset: IW_…" default stated in README’s example and the sample is the configuration’s', () => {
    const stated: Array<[string, string, number]> = [];
    for (const m of readmeExample().matchAll(/^\s+\w+: (\S+)\s+# unset: (IW_[A-Z_]+)/gm))
      stated.push([`README ${m[2]}`, m[1], ENV_DEFAULTS[m[2]]]);
    for (const m of SAMPLE.matchAll(/Unset: (IW_[A-Z_]+) \((\w+)\)/g))
      stated.push([`sample ${m[1]}`, m[2], ENV_DEFAULTS[m[1]]]);
    expect(stated.map(([, , ms]) => ms).every((ms) => typeof ms === 'number')).toBe(true);
    expect(stated.length).toBe(6);
    expect(stated.map(([where, text]) => [where, parseDuration(text)])).toEqual(
      stated.map(([where, , ms]) => [where, ms]),
    );
  });

  it('the configuration table states the same defaults', () => {
    const row = /^\| `IW_GROUP_WAIT`, `IW_GROUP_INTERVAL`, `IW_REPEAT_INTERVAL` \| `(\w+)`, `(\w+)`, `(\w+)` \|/m.exec(
      README,
    );
    expect(row).not.toBeNull();
    expect(row!.slice(1, 4).map(parseDuration)).toEqual([env.groupWaitMs, env.groupIntervalMs, env.repeatIntervalMs]);
  });
});

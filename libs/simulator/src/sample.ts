import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '@iw/config';
import { loadBindings } from '@iw/measures';
import { parseTargetTable } from '@iw/targets';
import type { StoryInput } from './view';

/** The repository's copy of the seed tables and their bindings: what `npm start` imports. */
export const SAMPLE_FILES = {
  targets: 'samples/targets-2019-xinjiang-market-supervision.txt',
  bindings: 'samples/bindings.yaml',
  owners: 'samples/owners.yaml',
} as const;

/**
 * The story input of the seed catalogue read straight from the sample files (no MongoDB):
 * the same catalogue and bindings the services load after `npm start` imported them, so tests
 * can know what a replay must show.
 */
export function sampleStoryInput(
  options: { root?: string; timeZone?: string; satisfiedShare?: number } = {},
): StoryInput {
  const root = options.root ?? findRepoRoot();
  const catalogue = parseTargetTable(fs.readFileSync(path.join(root, SAMPLE_FILES.targets), 'utf8'));
  const bindings = loadBindings(fs.readFileSync(path.join(root, SAMPLE_FILES.bindings), 'utf8'), catalogue, {
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    satisfiedShare: options.satisfiedShare ?? 0.8,
  });
  return { catalogue, bindings };
}

import * as fs from 'node:fs';
import { PaceFileError, parsePacePlan, type PacePlan } from './pace-file';

/** The pace file at `file`, parsed and checked; a PaceFileError names every bad line. */
export function readPacePlan(file: string): PacePlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new PaceFileError(file, [{ line: 0, severity: 'error', message: `cannot read: ${(e as Error).message}` }]);
  }
  const { plan, problems } = parsePacePlan(text);
  if (!plan) throw new PaceFileError(file, problems);
  return plan;
}

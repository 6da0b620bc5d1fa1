import { wholeGroupSlices } from '@iw/alerts';
/**
 * A progress-triggered evaluation judges its units and writes their alerts in slices of
 * growing size (this many first, then twice as many each time, up to LARGEST_PROGRESS_SLICE):
 * the sender is told of each slice's notifications once they are durable, so a burst's first
 * mails leave while the rest are being judged (alerts bench: the sender used to wait for a
 * whole 166-unit batch).
 */
export const FIRST_PROGRESS_SLICE = 16;
/**
 * The largest slice: the mails of the last slice leave after all of the burst was judged, so a
 * smaller cap shortens that tail; each slice costs about ten round trips to the database
 * (30–50 ms on FerretDB here), a few per cent of what judging and writing 64 units takes.
 */
export const LARGEST_PROGRESS_SLICE = 64;
/**
 * The slices a progress-triggered evaluation works through (FIRST_PROGRESS_SLICE units, then
 * twice as many each time, up to `largest`), cut only between projects: a project's units
 * share one stored evaluation document, written once per slice.
 */
export function progressSlices(
  units: ReadonlyMap<string, { projectId: string }>,
  first = FIRST_PROGRESS_SLICE,
  largest = LARGEST_PROGRESS_SLICE,
): string[][] {
  return wholeGroupSlices(
    units.keys(),
    (id) => units.get(id)!.projectId,
    (index) => Math.min(first * 2 ** index, largest),
  );
}

import type { Connection } from 'mongoose';
import { COLLECTIONS, type FiscalYearDoc } from '../documents';
import { claimByInsert } from './claims';
import { collection } from './collections';

export const fiscalYearsOf = (c: Connection) => collection<FiscalYearDoc>(c, COLLECTIONS.fiscalYears);

/**
 * Closed fiscal years. Closing is an insert under the year (claimByInsert): the first close
 * stands, a second says when and by whom it was closed. A closed year takes no more events.
 */
export class FiscalYearRepository {
  constructor(private readonly conn: Connection) {}

  /** Closes `year`; `closed: false` when it already was (then `doc` is the first close). */
  async close(year: number, by: string, at: Date): Promise<{ closed: boolean; doc: FiscalYearDoc }> {
    const doc: FiscalYearDoc = { _id: String(year), year, closedAt: at, closedBy: by };
    const { won } = await claimByInsert(fiscalYearsOf(this.conn), [doc]);
    if (won.length) return { closed: true, doc };
    return { closed: false, doc: (await fiscalYearsOf(this.conn).findOne({ _id: String(year) }))! };
  }

  async closed(): Promise<FiscalYearDoc[]> {
    return fiscalYearsOf(this.conn).find({}).sort({ year: 1 }).toArray();
  }
}

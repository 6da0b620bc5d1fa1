import { z } from 'zod';
import { ROLES } from '@iw/people';

export const PeopleListSchema = z.object({
  people: z.array(
    z.object({
      email: z.string(),
      name: z.string(),
      role: z.enum(ROLES),
      /** The agencies (预算单位) the person reads; empty for an admin (all). */
      agencies: z.array(z.string()),
      source: z.enum(['directory', 'owners']),
    }),
  ),
});
export type PeopleList = z.infer<typeof PeopleListSchema>;

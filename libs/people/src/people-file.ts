import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { normaliseEmail, recordProblems, type PersonRecord } from './person';

/**
 * The people file (YAML or JSON), beside the owners file:
 *
 *   people:
 *     - email: jixiao@example.gov.cn
 *       name: 李敏
 *       agency: 新疆维吾尔自治区市场监督管理局
 *       role: office            # owner | office | viewer | admin
 *
 * Every address of the owners file is an owner without an entry here; an entry gives an
 * owner a name, or another role.
 */
export class PeopleFileError extends Error {
  constructor(
    message: string,
    /** Where in the file, e.g. `people[2].role`. */
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'PeopleFileError';
  }
}

const entry = z
  .object({
    email: z.string(),
    name: z.string(),
    agency: z.string().nullable().optional(),
    role: z.string(),
  })
  .strict();

const schema = z.object({ people: z.array(entry).default([]) }).strict();

export function parsePeopleFile(text: string, format: 'yaml' | 'json' = 'yaml'): PersonRecord[] {
  let data: unknown;
  try {
    data = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new PeopleFileError(`not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`, '');
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const msg = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    throw new PeopleFileError(
      msg,
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, ''),
    );
  }
  const seen = new Set<string>();
  return parsed.data.people.map((p, i) => {
    const record = {
      email: normaliseEmail(p.email),
      name: p.name.trim(),
      agency: p.agency?.trim() || null,
      role: p.role.trim(),
    };
    const problems = recordProblems(record);
    if (problems.length) throw new PeopleFileError(problems.join('; '), `people[${i}]`);
    if (seen.has(record.email)) throw new PeopleFileError(`${record.email} is listed twice`, `people[${i}]`);
    seen.add(record.email);
    return record as PersonRecord;
  });
}

/** `people.yaml` / `.yml` / `.json` → format. */
export function peopleFormatOf(fileName: string): 'yaml' | 'json' {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

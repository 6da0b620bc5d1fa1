import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCatalogue } from './catalogue';
import { checkOwners, OwnersError, ownersFor, parseOwners, type OwnersFormat } from './owners';
import { tsvRows } from './rows/tsv';

const YAML = `
fallback: ops@example.gov.cn
projects:
  工商行政管理业务费: [gongshang@example.gov.cn, zhang@example.gov.cn]
  营业执照采购项目: zhizhao@example.gov.cn
indicators:
  工商行政管理业务费/案件办结率: [anjian@example.gov.cn]
  2019.某局.工商行政管理业务费.会议培训的次数人数天数: [peixun@example.gov.cn]
`;

describe('parseOwners', () => {
  it('reads YAML and JSON into the same owners', () => {
    const fromYaml = parseOwners(YAML, 'yaml');
    expect(fromYaml).toEqual({
      fallback: 'ops@example.gov.cn',
      projects: {
        工商行政管理业务费: ['gongshang@example.gov.cn', 'zhang@example.gov.cn'],
        营业执照采购项目: ['zhizhao@example.gov.cn'],
      },
      indicators: {
        '工商行政管理业务费/案件办结率': ['anjian@example.gov.cn'],
        '2019.某局.工商行政管理业务费.会议培训的次数人数天数': ['peixun@example.gov.cn'],
      },
    });
    expect(parseOwners(JSON.stringify(fromYaml), 'json')).toEqual(fromYaml);
  });

  const bad: Array<[string, string, OwnersFormat, string]> = [
    ['a bad fallback', 'fallback: ops-at-example', 'yaml', 'fallback: not an email address: "ops-at-example"'],
    ['no fallback', 'projects: {}', 'yaml', 'fallback: Invalid input: expected string, received undefined'],
    [
      'a bad project address',
      'fallback: a@b.cn\nprojects:\n  P: [ok@b.cn, "x y@b.cn"]',
      'yaml',
      'projects.P[1]: not an email address: "x y@b.cn"',
    ],
    [
      'CR/LF in an address',
      '{"fallback":"a@b.cn","projects":{"P":["ok@b.cn\\r\\nBcc: evil@x.cn"]}}',
      'json',
      'projects.P[0]: address contains a line break',
    ],
    ['an empty list', 'fallback: a@b.cn\nprojects:\n  P: []', 'yaml', 'projects.P: at least one address'],
    ['an unknown key', 'fallback: a@b.cn\nowner: x@b.cn', 'yaml', ': unknown key(s) owner'],
    [
      'an indicator key that is neither',
      'fallback: a@b.cn\nindicators:\n  案件办结率: [a@b.cn]',
      'yaml',
      'indicators.案件办结率: key must be <project name>/<indicator name> or an indicator id',
    ],
    ['broken JSON', '{"fallback":', 'json', 'not valid JSON'],
  ];
  it.each(bad)('rejects %s, naming the path', (_what, text, format, message) => {
    let err: unknown;
    try {
      parseOwners(text, format);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OwnersError);
    expect((err as Error).message.startsWith(message.replace(/^: /, ''))).toBe(true);
  });
});

describe('ownersFor', () => {
  const owners = parseOwners(YAML, 'yaml');
  it.each([
    [
      'an indicator entry by project/indicator name, any year',
      '工商行政管理业务费',
      '2020.某局.工商行政管理业务费.案件办结率',
      ['anjian@example.gov.cn'],
    ],
    [
      'an indicator entry by id',
      '工商行政管理业务费',
      '2019.某局.工商行政管理业务费.会议培训的次数人数天数',
      ['peixun@example.gov.cn'],
    ],
    [
      'a compound part falls back to its indicator',
      '工商行政管理业务费',
      '2019.某局.工商行政管理业务费.会议培训的次数人数天数~期',
      ['peixun@example.gov.cn'],
    ],
    [
      'the project',
      '工商行政管理业务费',
      '2019.某局.工商行政管理业务费.辞退人数',
      ['gongshang@example.gov.cn', 'zhang@example.gov.cn'],
    ],
    [
      'the project, names matched like ids',
      '营业执照 采购项目',
      '2019.某局.营业执照采购项目.使用年限',
      ['zhizhao@example.gov.cn'],
    ],
    ['the fallback', '价格监督检查工作经费', '2019.某局.价格监督检查工作经费.经营者满意度', ['ops@example.gov.cn']],
  ])('%s', (_what, project, id, expected) => expect(ownersFor(owners, project, id)).toEqual(expected));

  it('reads a catalogue id of the form before agencies as its indicator', () => {
    const old = parseOwners(
      'fallback: ops@example.gov.cn\nindicators:\n  2019.项目.指标: [a@example.gov.cn]\n',
      'yaml',
    );
    expect(ownersFor(old, '项目', '2019.某局.项目.指标~期')).toEqual(['a@example.gov.cn']);
    expect(ownersFor(old, '项目', '2019.某局.项目.别的指标')).toEqual(['ops@example.gov.cn']);
  });

  it('of two keys spelling one name, takes the first in the book; answers a book of thousands alike', () => {
    const book = parseOwners(
      [
        'fallback: ops@example.gov.cn',
        'projects:',
        '  营业执照 采购项目: [first@example.gov.cn]',
        '  营业执照采购项目: [second@example.gov.cn]',
        ...Array.from({ length: 3000 }, (_, i) => `  项目${i}: [p${i}@example.gov.cn]`),
        'indicators:',
        '  营业执照 采购项目/使用 年限: [years@example.gov.cn]',
        '  营业执照采购项目/使用年限: [later@example.gov.cn]',
      ].join('\n'),
      'yaml',
    );
    expect(ownersFor(book, '营业执照采购项目', '2019.某局.营业执照采购项目.使用年限')).toEqual([
      'years@example.gov.cn',
    ]);
    expect(ownersFor(book, '营业执照采购项目', '2019.某局.营业执照采购项目.数量')).toEqual(['first@example.gov.cn']);
    for (const i of [0, 1234, 2999])
      expect(ownersFor(book, `项目${i}`, `2019.某局.项目${i}.指标`)).toEqual([`p${i}@example.gov.cn`]);
    expect(ownersFor(book, '项目3000', '2019.某局.项目3000.指标')).toEqual(['ops@example.gov.cn']);
  });
});

describe('samples/owners.yaml', () => {
  const root = join(__dirname, '../../..');
  const owners = parseOwners(readFileSync(join(root, 'samples/owners.yaml'), 'utf8'), 'yaml');
  const seed = readCatalogue(
    tsvRows(readFileSync(join(root, 'samples/targets-2019-xinjiang-market-supervision.txt'), 'utf8')),
  );

  it('names an owner for each of the 18 seed projects and nothing unknown', () => {
    expect(owners.fallback).toBe('ops@example.gov.cn');
    expect(checkOwners(owners, seed)).toEqual([]);
    for (const p of seed.projects)
      expect(ownersFor(owners, p.name, p.indicators[0].id)).not.toEqual(['ops@example.gov.cn']);
  });

  it('flags entries that name nothing in the table', () => {
    const typo = parseOwners('fallback: a@b.cn\nprojects:\n  工商行政管理业务 费用: [x@b.cn]', 'yaml');
    expect(checkOwners(typo, seed).map((p) => p.message)).toEqual([
      'owners: projects.工商行政管理业务 费用 names no project of the table',
    ]);
  });
});

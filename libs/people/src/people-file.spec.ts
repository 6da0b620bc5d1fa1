import { PeopleFileError, parsePeopleFile } from './people-file';

describe('parsePeopleFile', () => {
  it('reads entries, lower-casing addresses', () => {
    const people = parsePeopleFile(
      [
        'people:',
        '  - { email: Li.Min@Example.gov.cn, name: 李敏, agency: 市场监督管理局, role: office }',
        '  - { email: root@example.gov.cn, name: 管理员, role: admin }',
      ].join('\n'),
    );
    expect(people).toEqual([
      { email: 'li.min@example.gov.cn', name: '李敏', agency: '市场监督管理局', role: 'office' },
      { email: 'root@example.gov.cn', name: '管理员', agency: null, role: 'admin' },
    ]);
  });

  it('reads JSON and an empty file', () => {
    expect(parsePeopleFile('{"people":[]}', 'json')).toEqual([]);
    expect(parsePeopleFile('')).toEqual([]);
  });

  it.each<[string, RegExp]>([
    ['people:\n  - { email: x, name: a, agency: b, role: owner }', /people\[0\]: not an email address/],
    [
      'people:\n  - { email: a@x.cn, name: a, agency: b, role: boss }',
      /people\[0\]: role must be one of owner, office, viewer, admin/,
    ],
    ['people:\n  - { email: a@x.cn, name: a, role: viewer }', /people\[0\]: an viewer needs an agency/],
    ['people:\n  - { email: a@x.cn, name: "", agency: b, role: owner }', /name is empty/],
    ['people:\n  - { email: a@x.cn, name: a, agency: b, role: owner, phone: 1 }', /unknown key\(s\) phone/],
    [
      'people:\n  - { email: a@x.cn, name: a, agency: b, role: owner }\n  - { email: A@x.cn, name: b, agency: b, role: owner }',
      /people\[1\]: a@x.cn is listed twice/,
    ],
    ['people: [', /not valid YAML/],
    ['folks: []', /unknown key\(s\) folks/],
    ['people:\n  - { email: "a@x.cn\\r\\nBcc: b@x.cn", name: a, agency: b, role: owner }', /not an email address/],
  ])('refuses %p', (text, message) => {
    expect(() => parsePeopleFile(text)).toThrow(PeopleFileError);
    expect(() => parsePeopleFile(text)).toThrow(message);
  });
});

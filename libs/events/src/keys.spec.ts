import { keyFor, type MessageByRole } from './keys';

describe('keyFor spending', () => {
  const spending = (x: object) =>
    ({
      eventId: 'e',
      occurredAt: '2019-04-01T00:00:00+08:00',
      source: 's',
      schemaVersion: 1,
      amountYuan: 1,
      ...x,
    }) as unknown as MessageByRole['spending'];

  it.each([
    ['an id with the agency', { projectId: '2019.某局.工商行政管理业务费' }],
    ['an id of the form before agencies', { projectId: '2019.工商行政管理业务费' }],
    ['the project name', { projectName: '工商行政管理 业务费' }],
  ])('%s: the project is the key', (_what, x) => expect(keyFor('spending', spending(x))).toBe('工商行政管理业务费'));
});

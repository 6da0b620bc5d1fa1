import { of, throwError } from 'rxjs';
import { DEFAULT_TOPICS } from '@iw/config';
import { contractSubscriptions, awaitHandlerResult, splitByHandler } from './batch-server';
import { toInboundBatch } from './consumer';

describe('contractSubscriptions', () => {
  it('uses the contract name as pattern and the configured name as topic', () => {
    const topics = Object.fromEntries(Object.entries(DEFAULT_TOPICS).map(([r, t]) => [r, `p1.${t}`])) as Record<
      keyof typeof DEFAULT_TOPICS,
      string
    >;
    expect(contractSubscriptions(topics, ['cases', 'progress'])).toEqual([
      { pattern: 'actuals.cases', topic: 'p1.actuals.cases' },
      { pattern: 'indicators.progress', topic: 'p1.indicators.progress' },
    ]);
  });
});

describe('splitByHandler', () => {
  it('consumes only the subscriptions that have a handler', () => {
    const subs = [
      { pattern: 'a', topic: 'ta' },
      { pattern: 'b', topic: 'tb' },
    ];
    expect(splitByHandler(subs, (p) => p === 'b')).toEqual({
      active: [{ pattern: 'b', topic: 'tb' }],
      idle: [{ pattern: 'a', topic: 'ta' }],
    });
  });
});

describe('awaitHandlerResult', () => {
  it.each([
    ['a plain value', 42],
    ['undefined', undefined],
    ['an observable that completes', of(1, 2)],
    ['an empty observable', of()],
  ])('resolves for %s', async (_n, result) => {
    await expect(awaitHandlerResult('p', result)).resolves.toBeUndefined();
  });

  it.each([
    ['an Error', new Error('db down'), /db down/],
    [
      'a plain object (Nest exception filter)',
      { status: 'error', message: 'Internal server error' },
      /handler for 'p' failed: .*Internal server error/,
    ],
  ])('rejects when the observable errors with %s', async (_n, err, message) => {
    await expect(
      awaitHandlerResult(
        'p',
        throwError(() => err),
      ),
    ).rejects.toThrow(message);
  });
});

describe('toInboundBatch', () => {
  it('keeps offsets as strings and flattens headers', () => {
    const batch = toInboundBatch('t', 2, '10', [
      {
        offset: '7',
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: '1',
        attributes: 0,
        headers: { a: Buffer.from('x'), b: [Buffer.from('1'), Buffer.from('2')], c: undefined },
      },
      { offset: '8', key: null, value: null, timestamp: '2', attributes: 0, headers: {} },
    ]);
    expect(batch).toMatchObject({ topic: 't', partition: 2, highWatermark: '10' });
    expect(batch.messages.map((m) => [m.offset, m.key?.toString() ?? null, m.value?.toString() ?? null])).toEqual([
      ['7', 'k', 'v'],
      ['8', null, null],
    ]);
    expect(batch.messages[0].headers).toEqual({ a: 'x', b: '1,2', c: undefined });
    expect(batch.messages[1].headers).toEqual({});
  });
});

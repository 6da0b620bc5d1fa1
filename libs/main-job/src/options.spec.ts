import { parseOptions, UsageError } from './options';

describe('parseOptions', () => {
  it.each([
    ['defaults: a replay of seed 1 at a day per second', [], {}, { simulate: true, seed: 1, speed: 86_400 }],
    ['--no-simulate', ['--no-simulate'], {}, { simulate: false, seed: 1, speed: 86_400 }],
    ['IW_SIMULATE=false', [], { IW_SIMULATE: 'false' }, { simulate: false, seed: 1, speed: 86_400 }],
    ['IW_SIMULATE=0', [], { IW_SIMULATE: '0' }, { simulate: false, seed: 1, speed: 86_400 }],
    ['IW_SIMULATE=true', [], { IW_SIMULATE: 'true' }, { simulate: true, seed: 1, speed: 86_400 }],
    [
      '--no-simulate beats IW_SIMULATE=true',
      ['--no-simulate'],
      { IW_SIMULATE: 'true' },
      { simulate: false, seed: 1, speed: 86_400 },
    ],
    [
      'replay options',
      ['--seed', '7', '--speed', '172800', '--from', '2019-06-01', '--until', '2019-08-31'],
      {},
      { simulate: true, seed: 7, speed: 172_800, from: '2019-06-01', until: '2019-08-31' },
    ],
    [
      'replay options from the environment',
      [],
      { IW_SIM_SEED: '3', IW_SIM_SPEED: '864000', IW_SIM_UNTIL: '2019-03-31' },
      { simulate: true, seed: 3, speed: 864_000, until: '2019-03-31' },
    ],
    [
      'arguments beat the environment',
      ['--seed', '9'],
      { IW_SIM_SEED: '3' },
      { simulate: true, seed: 9, speed: 86_400 },
    ],
  ])('%s', (_name, argv, env, want) => {
    expect(parseOptions(argv, env)).toEqual(want);
  });

  it.each([
    [['--speed', '0'], {}, /speed/],
    [['--speed', 'fast'], {}, /speed/],
    [['--seed', '-1'], {}, /seed/],
    [['--from', '2019/01/01'], {}, /date/],
    [['--from', '2019-05-01', '--until', '2019-04-01'], {}, /after --until/],
    [['--nope'], {}, /unknown option/],
    [['extra'], {}, /too many arguments|unexpected/i],
    [[], { IW_SIMULATE: 'maybe' }, /IW_SIMULATE/],
    [[], { IW_SIM_SPEED: '-5' }, /IW_SIM_SPEED/],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => parseOptions(argv, env)).toThrow(UsageError);
    expect(() => parseOptions(argv, env)).toThrow(message);
  });
});

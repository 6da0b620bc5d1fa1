import { reportLikelihood, worstLikelihood, worstStatus } from './statuses';

describe('worstStatus', () => {
  it.each([
    [[], null],
    [['achieved', 'on_track'], 'on_track'],
    [['on_track', 'manual'], 'manual'],
    [['manual', 'no_data'], 'no_data'],
    [['no_data', 'at_risk', 'on_track'], 'at_risk'],
    [['at_risk', 'off_track'], 'off_track'],
    [['off_track', 'missed', 'achieved'], 'missed'],
  ] as const)('%j → %p', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });
});

describe('worstLikelihood', () => {
  it.each([
    [[], null],
    [[null, null], null],
    [['确定能', null], '确定能'],
    [['确定能', '有可能'], '有可能'],
    [['有可能', '不可能', '确定能'], '不可能'],
  ] as const)('%j → %p', (ls, worst) => {
    expect(worstLikelihood(ls)).toBe(worst);
  });

  it.each([
    ['确定能', '确定能'],
    ['有可能', '有可能'],
    ['不可能', '完全不可能'],
    [null, null],
  ] as const)('the form writes %p as %p', (l, r) => {
    expect(reportLikelihood(l)).toBe(r);
  });
});

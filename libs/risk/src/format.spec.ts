import { fmt, oneLine, pct } from './format';

describe('fmt', () => {
  it.each<[number, string]>([
    [700, '700'],
    [-3, '-3'],
    [172.6438, '172.64'],
    [350.005, '350.01'],
    [12.1, '12.1'],
    [12.05, '12.05'],
    [2.999, '3'],
    [-4.56, '-4.56'],
    [0.0125, '0.0125'],
    [0.002212, '0.00221'],
    [0.8750000000000001, '0.875'],
    [Infinity, 'Infinity'],
  ])('%d → %s', (n, text) => {
    expect(fmt(n)).toBe(text);
  });

  it('prints shares and one-line text', () => {
    expect(pct(0.8571)).toBe('85.7%');
    expect(pct(0.5)).toBe('50%');
    expect(oneLine('  宣传\n 覆盖面  扩大 ')).toBe('宣传 覆盖面 扩大');
    expect(oneLine('长'.repeat(80), 10)).toBe(`${'长'.repeat(9)}…`);
  });
});

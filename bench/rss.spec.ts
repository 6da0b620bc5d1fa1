import { memoryOf } from './rss';

const STATUS = `Name:\tnode
VmPeak:\t 1230000 kB
VmHWM:\t  184320 kB
VmRSS:\t  102400 kB
Threads:\t11
`;

describe('memoryOf', () => {
  it.each([
    [STATUS, { hwmMb: 180, rssMb: 100 }],
    ['VmRSS:\t 2048 kB\n', { hwmMb: null, rssMb: 2 }],
    ['Name:\tkthreadd\n', { hwmMb: null, rssMb: null }],
    // VmPeak is virtual memory, not the resident peak: never taken for VmHWM.
    ['VmPeak:\t 999 kB\n', { hwmMb: null, rssMb: null }],
  ])('reads %j', (text, want) => expect(memoryOf(text)).toEqual(want));
});

import { OutboxSignal } from './outbox-signal';

/** "The sender is quiet": what a progress batch's late writes wait for, and for how long at most. */

const settleIn = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

it('quiet resolves at once when no pass runs, when the passes end, and at its bound otherwise', async () => {
  const signal = new OutboxSignal();
  const at = () => performance.now();

  let from = at();
  await signal.quiet(1000);
  expect(at() - from).toBeLessThan(50);

  // A pass, then another chained after it: quiet waits for both.
  signal.sending(settleIn(100).then(() => signal.sending(settleIn(100))));
  from = at();
  await signal.quiet(2000);
  expect(at() - from).toBeGreaterThanOrEqual(190);
  expect(at() - from).toBeLessThan(1000);

  // A pass that does not end in time: quiet gives up at its bound; a failed pass counts as ended.
  let end = () => undefined as void;
  signal.sending(new Promise<void>((resolve) => (end = resolve)));
  from = at();
  await signal.quiet(200);
  expect(at() - from).toBeGreaterThanOrEqual(190);
  expect(at() - from).toBeLessThan(1000);
  end();
  signal.sending(Promise.reject(new Error('pass failed')));
  from = at();
  await signal.quiet(1000);
  expect(at() - from).toBeLessThan(50);
});

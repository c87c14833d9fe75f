import { describe, expect, it } from 'vitest';
import { TimeoutTicker } from './timeout-ticker.js';
import { VirtualClock } from '../sim/clock.js';
import { RoundStepType as S } from '../core/types.js';
import type { TimeoutInfo } from '../core/consensus/io.js';

describe('TimeoutTicker (§6.2)', () => {
  const setup = () => {
    const clock = new VirtualClock();
    const fired: TimeoutInfo[] = [];
    return { clock, fired, ticker: new TimeoutTicker(clock, (t) => fired.push(t)) };
  };
  const run = (clock: VirtualClock) => {
    while (clock.fireNext());
  };

  it('a newer HRS replaces the armed timeout; only the latest fires', () => {
    const { clock, fired, ticker } = setup();
    ticker.schedule({ duration: 100, height: 1, round: 0, step: S.Propose });
    ticker.schedule({ duration: 50, height: 1, round: 0, step: S.PrevoteWait });
    run(clock);
    expect(fired.map((f) => f.step)).toEqual([S.PrevoteWait]);
  });

  it('older or equal HRS requests are dropped', () => {
    const { clock, fired, ticker } = setup();
    ticker.schedule({ duration: 100, height: 2, round: 1, step: S.Propose });
    ticker.schedule({ duration: 10, height: 1, round: 5, step: S.Propose });
    ticker.schedule({ duration: 10, height: 2, round: 0, step: S.Commit });
    ticker.schedule({ duration: 10, height: 2, round: 1, step: S.Propose });
    run(clock);
    expect(fired).toEqual([{ duration: 100, height: 2, round: 1, step: S.Propose }]);
    expect(clock.now()).toBe(100);
  });

  it('a zero or negative duration fires at once', () => {
    const { clock, fired, ticker } = setup();
    ticker.schedule({ duration: -5, height: 1, round: 0, step: S.NewHeight });
    run(clock);
    expect(fired).toHaveLength(1);
    expect(clock.now()).toBe(0);
  });

  it('fireNow fires the armed timeout at once, and only once', () => {
    const { clock, fired, ticker } = setup();
    expect(ticker.fireNow()).toBe(false);
    ticker.schedule({ duration: 3000, height: 1, round: 0, step: S.Propose });
    expect(ticker.fireNow()).toBe(true);
    expect(fired).toEqual([{ duration: 3000, height: 1, round: 0, step: S.Propose }]);
    run(clock);
    expect(fired).toHaveLength(1);
    expect(clock.now()).toBe(0);
    expect(ticker.fireNow()).toBe(false);
  });
});

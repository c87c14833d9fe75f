import { describe, expect, it } from 'vitest';
import type { LiveMessage, LiveStatus } from '../../observe/live.js';
import type { FrameMessage } from '../../observe/protocol.js';
import { MAX_GAP_MS, MAX_HOLD_MS, ViewPacer } from './live-pacer.js';
import type { PacerClock } from './live-pacer.js';

/** Animation frames by hand: `tick(ms)` runs the frame callbacks `ms` after the last frame. */
function fakeClock() {
  let t = 0;
  let waiting: ((t: number) => void)[] = [];
  const clock: PacerClock & { tick(ms: number): void; hiddenNow: boolean; pending(): number } = {
    hiddenNow: false,
    now: () => t,
    frame: (cb) => void waiting.push(cb),
    hidden: () => clock.hiddenNow,
    tick(ms) {
      t += ms;
      const run = waiting;
      waiting = [];
      for (const cb of run) cb(t);
    },
    pending: () => waiting.length,
  };
  return clock;
}

const frame = (n: number) => ({ type: 'frame', reset: false, events: [], frame: { t: n }, playing: true }) as unknown as FrameMessage;
const status = (height: number) => ({ type: 'status', status: { height } as LiveStatus }) as LiveMessage;

function setup() {
  const clock = fakeClock();
  const got: LiveMessage[] = [];
  const pacer = new ViewPacer((m) => got.push(m), clock);
  return { clock, got, pacer };
}

describe('ViewPacer', () => {
  it('hands frames over in a frame that came on time, all of them in order, and only the newest status, in the next frame', () => {
    const { clock, got, pacer } = setup();
    pacer.push(status(1));
    pacer.push(frame(1));
    pacer.push(status(2));
    pacer.push(frame(2));
    clock.tick(16); // the first frame after a pause only tells the time
    expect(got).toEqual([]);
    clock.tick(17);
    expect(got).toEqual([frame(1), frame(2)]);
    clock.tick(16); // the store applies the frames in this one: the status comes with them
    expect(got).toEqual([frame(1), frame(2), status(2)]);
  });

  it('passes a status without frames in the update itself, and a held one before anything else', () => {
    const { clock, got, pacer } = setup();
    pacer.push(status(1));
    clock.tick(16);
    clock.tick(16);
    expect(got).toEqual([status(1)]);
    for (let i = 0; i < 40; i++) clock.tick(16); // past the watch and any gap
    pacer.push(frame(1));
    pacer.push(status(2));
    clock.tick(16);
    clock.tick(16);
    expect(got).toEqual([status(1), frame(1)]);
    pacer.push({ type: 'error', message: 'boom' });
    expect(got).toEqual([status(1), frame(1), status(2), { type: 'error', message: 'boom' }]);
  });

  it('waits for a frame on time, but never longer than MAX_HOLD_MS', () => {
    const { clock, got, pacer } = setup();
    pacer.push(frame(1));
    clock.tick(16);
    clock.tick(60); // late: not now
    expect(got).toEqual([]);
    for (let i = 0; i < 30 && got.length === 0; i++) clock.tick(60);
    expect(got).toEqual([frame(1)]);
    expect(clock.now()).toBeGreaterThanOrEqual(MAX_HOLD_MS);
  });

  it('spaces updates out while each is followed by a late frame, and closes up again when they fit', () => {
    const clock = fakeClock();
    let updated = false;
    const pacer = new ViewPacer(() => (updated = true), clock);
    /** `ms` of a page whose worker sends a frame every 250 ms and whose view update costs `cost` ms of the next frame */
    const run = (ms: number, cost: number) => {
      const end = clock.now() + ms;
      let next = clock.now();
      while (clock.now() < end) {
        if (clock.now() >= next) {
          pacer.push(frame(next));
          next += 250;
        }
        const interval = updated ? cost : 16;
        updated = false;
        clock.tick(interval);
      }
    };
    run(5000, 40);
    expect(pacer.currentGap).toBe(MAX_GAP_MS);
    run(5000, 16);
    expect(pacer.currentGap).toBe(0);
  });

  it('passes anything else at once, after what it held; and everything at once while the page is hidden', () => {
    const { clock, got, pacer } = setup();
    pacer.push(frame(1));
    pacer.push({ type: 'error', message: 'boom' });
    expect(got).toEqual([frame(1), { type: 'error', message: 'boom' }]);
    clock.hiddenNow = true;
    pacer.push(frame(2));
    expect(got.at(-1)).toEqual(frame(2));
  });
});

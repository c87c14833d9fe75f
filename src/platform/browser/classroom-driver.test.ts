// The classroom worker's loop in-process: seeks coalesce (a dragged slider must not queue a
// replay per pixel), "next …" pauses on the event, and the pace is reported.
import { describe, expect, it } from 'vitest';
import type { ClassroomMessage } from '../../observe/classroom.js';
import type { FrameMessage } from '../../observe/protocol.js';
import { ClassroomRun } from '../../sim/session.js';
import { ClassroomDriver, followPace } from './classroom-driver.js';

const scenario = { validators: 4, seed: 3, timeouts: { timeoutCommit: 500 }, faults: [] };

function driver(): { d: ClassroomDriver; messages: ClassroomMessage[] } {
  const messages: ClassroomMessage[] = [];
  const d = new ClassroomDriver((m) => messages.push(m), { now: () => 0, setTimeout: () => null });
  return { d, messages };
}
const frames = (ms: ClassroomMessage[]) => ms.filter((m): m is FrameMessage => m.type === 'frame');

describe('ClassroomDriver', () => {
  it('seeks sent while one waits replace it: ten slider steps, two replays, the last position shown', async () => {
    const { d, messages } = driver();
    d.command({ type: 'load', scenario });
    for (let t = 1000; t <= 10_000; t += 1000) d.command({ type: 'seek', t });
    await d.idle();
    const seeks = frames(messages).slice(1);
    expect(seeks.length).toBeLessThanOrEqual(2);
    expect(seeks.at(-1)!.frame.t).toBe(10_000);
    // a seek after another command is its own: the order of commands is kept
    d.command({ type: 'seek', t: 2000 });
    d.command({ type: 'select', node: 'n2' });
    d.command({ type: 'seek', t: 3000 });
    await d.idle();
    const last = frames(messages).slice(-3);
    expect(last.map((f) => [f.frame.t, f.frame.selected])).toEqual([[2000, 'n0'], [2000, 'n2'], [3000, 'n2']]);
  });

  it('a seek whose successor already waits (a dragged slider) sends no frame: the next one brings its events, a reset included', async () => {
    const { d, messages } = driver();
    d.command({ type: 'load', scenario });
    await d.idle();
    const until = async (done: () => boolean) => {
      while (!done()) await Promise.resolve();
    };
    const opened = d.run.live;
    d.command({ type: 'seek', t: 8000 });
    await until(() => opened.now > 0); // replaying ahead to 8 s
    d.command({ type: 'seek', t: 3000 }); // waits: 8 s is not shown
    await until(() => d.run.live !== opened); // gone back to replay to 3 s (the whole history: a reset)
    d.command({ type: 'seek', t: 5000 }); // waits: 3 s is not shown either
    await d.idle();
    const [, only, ...more] = frames(messages);
    expect(more).toEqual([]);
    expect([only.frame.t, only.reset]).toEqual([5000, true]);
    const ref = new ClassroomRun();
    const history = await ref.load(scenario);
    expect(only.events).toEqual(history.concat((await ref.seek(5000)).events));
  });

  it('a long seek says where its replay is, then that it is done, before its frame', async () => {
    const messages: ClassroomMessage[] = [];
    let now = 0;
    // every look at the clock is 50 ms later: the replay is slow, as at 100 validators; it lets
    // commands in at once (setTimeout 0), and background work, which waits longer, never comes
    const d = new ClassroomDriver((m) => messages.push(m), { now: () => (now += 50), setTimeout: (fn, ms) => (ms === 0 ? queueMicrotask(fn) : null) });
    d.command({ type: 'load', scenario });
    d.command({ type: 'seek', t: 6000 });
    await d.idle();
    messages.length = 0;
    d.command({ type: 'seek', t: 4000 }); // back: a replay from the start (no restart point was made)
    await d.idle();
    const told = messages.filter((m) => m.type === 'seeking').map((m) => m.progress);
    expect(told.length).toBeGreaterThan(2);
    expect(told.at(-1)).toBeNull();
    const progress = told.slice(0, -1).map((p) => p!.at);
    expect(told.slice(0, -1).every((p) => p!.to === 4000)).toBe(true);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeLessThanOrEqual(4000);
    // done is said before the frame, which is the last message
    expect(messages.slice(-2).map((m) => m.type)).toEqual(['seeking', 'frame']);
  });

  it('a quick seek says nothing but its frame', async () => {
    const { d, messages } = driver();
    d.command({ type: 'load', scenario });
    d.command({ type: 'seek', t: 3000 });
    await d.idle();
    expect(messages.some((m) => m.type === 'seeking')).toBe(false);
  });

  it('makes restart points from the moment a run opens: nobody is clicking yet, so no quiet wait', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    let now = 1000;
    const d = new ClassroomDriver(() => undefined, { now: () => now, setTimeout: (fn, ms) => timers.push({ fn, ms }) });
    d.command({ type: 'load', scenario });
    await d.idle();
    expect(timers.map((t) => t.ms)).toEqual([0]);
    for (let k = 0; k < 2; k++) {
      now += 20;
      timers.shift()!.fn();
      await d.idle();
    }
    expect(d.run.pointTimes).toEqual([2000, 4000]);
    // a seek straight after starts from the latest point before it, not from the start
    d.command({ type: 'seek', t: 17_000 });
    await d.idle();
    expect(d.run.pointTimes).toContain(0); // the run left at 0 is kept: going back there is free
  });

  it('"next commit" runs to the selected node’s next NewBlock and pauses there', async () => {
    const { d, messages } = driver();
    d.command({ type: 'load', scenario });
    d.command({ type: 'select', node: 'n1' });
    d.command({ type: 'seekNext', kind: 'commit' });
    await d.idle();
    const f = frames(messages).at(-1)!;
    const commit = f.events.find((e) => e.type === 'NewBlock' && e.node === 'n1')!;
    expect(commit.time - f.frame.origin).toBe(f.frame.t);
    expect(f.playing).toBe(false);
    expect(f.frame.nodes[1].committed).toBe(1);
  });

  it('the follow pace slows votes on the wire to a twentieth for a lesson, less with more validators, not at all for a crowd', () => {
    expect([1, 4, 7, 10, 24, 40, 80, 100, 200].map((n) => Math.round(followPace(n) * 1e6) / 1e6)).toEqual([0.05, 0.05, 0.0875, 0.125, 0.3, 0.5, 1, 1, 1]);
  });

  it('a fixed speed turns the follow pace off, and says so', async () => {
    const { d, messages } = driver();
    d.command({ type: 'load', scenario });
    d.command({ type: 'speed', factor: 0.01 });
    d.command({ type: 'autoPace' });
    await d.idle();
    const paces = messages.flatMap((m) => (m.type === 'pace' ? [m.pace] : []));
    expect(paces.map((p) => [p.auto, p.speed])).toEqual([[false, 0.01], [true, 0.01]]);
  });
});

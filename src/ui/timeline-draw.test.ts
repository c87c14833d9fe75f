import { describe, expect, it } from 'vitest';
import type { ObsEvent } from '../observe/model.js';
import { readLog } from './timeline-log.js';
import { MARK_KINDS, TimelineScene, deltaOf, isMark, nothingSent } from './timeline-draw.js';
import type { Sent } from './timeline-draw.js';

const ev = (node: string, time: number, type: string, step = 'RoundStepPropose') => ({ node, time, height: 1, round: 0, step, type }) as ObsEvent;
const lanes = new Map([['a', 0], ['b', 1]]);

describe('what the timeline worker is sent', () => {
  it('all of the log first, then what it gained; all again for another log; the worker’s copy matches', () => {
    const events = [ev('a', 0, 'NewRoundStep'), ev('b', 1, 'NewRoundStep'), ev('a', 5, 'Polka'), ev('a', 6, 'NewRoundStep', 'RoundStepPrevote')];
    const sent: Sent = nothingSent();
    const scene = new TimelineScene();
    const first = deltaOf(readLog(events.slice(0, 3), lanes, 0, isMark), sent);
    expect(first).toEqual({ reset: true, drop: { marks: 0, closed: [0, 0] }, marks: [{ lane: 0, t: 5, kind: MARK_KINDS.indexOf('Polka') }], closed: [], open: [[0, { from: 0, step: 'RoundStepPropose' }], [1, { from: 1, step: 'RoundStepPropose' }]] });
    scene.apply(first);
    const log = readLog([...events, ev('b', 9, 'NewBlock')], lanes, 0, isMark);
    const next = deltaOf(log, sent);
    expect(next.reset).toBe(false);
    expect(next.marks.map((m) => m.t)).toEqual([9]);
    expect(next.closed).toEqual([[0, { from: 0, to: 6, step: 'RoundStepPropose' }]]);
    scene.apply(next);
    expect(scene.closed[0]).toEqual(log.closed[0]);
    expect(scene.marks.map((m) => [m.lane, m.t])).toEqual(log.marks.map((p) => [p.lane, p.t]));
    expect([...scene.open]).toEqual([...log.open]);
    expect(deltaOf(log, sent)).toEqual({ reset: false, drop: { marks: 0, closed: [0, 0] }, marks: [], closed: [], open: [...log.open] });
    // a log read afresh (trimmed at the front, another source): the worker starts over
    const other = deltaOf(readLog([ev('b', 20, 'NewBlock')], lanes, 0, isMark), sent);
    expect(other.reset).toBe(true);
    scene.apply(other);
    expect(scene.marks.map((m) => m.t)).toEqual([20]);
    expect(scene.closed.flat()).toEqual([]);
  });

  it('the worker’s copy stays the page’s as the live history drops its oldest events, deltas sent or not in between', () => {
    for (let seed = 1; seed <= 30; seed++) {
      let x = seed;
      const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % n);
      const names = ['a', 'b'];
      const steps = ['RoundStepPropose', 'RoundStepPrevote', 'RoundStepPrecommit'];
      let events: ObsEvent[] = [];
      let t = 0;
      const sent = nothingSent();
      const scene = new TimelineScene();
      for (let i = 0; i < 60; i++) {
        for (let k = rand(5); k > 0; k--) events = [...events, ev(names[rand(2)], (t += rand(4)), rand(3) ? 'NewRoundStep' : 'Polka', steps[rand(3)])];
        if (rand(4) === 0 && events.length > 2) events = events.slice(1 + rand(events.length - 1)); // the front dropped
        if (events.length === 0 || rand(3) === 0) continue; // no draw this time
        const log = readLog(events, lanes, 0, isMark);
        scene.apply(deltaOf(log, sent));
        expect(scene.marks.map((m) => [m.lane, m.t]), `seed ${seed}`).toEqual(log.marks.map((p) => [p.lane, p.t]));
        expect(log.closed.map((_, lane) => scene.closed[lane] ?? []), `seed ${seed}`).toEqual(log.closed);
      }
    }
  });
});

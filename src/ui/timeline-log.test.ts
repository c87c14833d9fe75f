import { describe, expect, it } from 'vitest';
import type { ObsEvent } from '../observe/model.js';
import { firstIndex, markAt, markKey, marksInWindow, readLog, shownMarks, shownSegments } from './timeline-log.js';

const ev = (node: string, time: number, type: string, step = 'RoundStepPropose') => ({ node, time, height: 1, round: 0, step, type }) as ObsEvent;
const lanes = new Map([['a', 0], ['b', 1]]);
const isMark = (type: string) => type === 'Polka' || type === 'NewBlock';

describe('readLog', () => {
  it('reads each lane’s finished steps and the marks, and later only what the log grew by', () => {
    const events = [ev('a', 1000, 'NewRoundStep', 'RoundStepPropose'), ev('b', 1005, 'NewRoundStep', 'RoundStepPropose'), ev('a', 1010, 'NewRoundStep', 'RoundStepPrevote'), ev('a', 1012, 'Polka'), ev('x', 1013, 'Polka')];
    const log = readLog(events, lanes, 1000, isMark);
    expect(log.closed).toEqual([[{ from: 0, to: 10, step: 'RoundStepPropose' }], []]);
    expect([...log.open]).toEqual([[0, { from: 10, step: 'RoundStepPrevote' }], [1, { from: 5, step: 'RoundStepPropose' }]]);
    expect(log.marks.map((p) => [p.lane, p.t])).toEqual([[0, 12]]); // node x has no lane
    const grown = readLog([...events, ev('b', 1020, 'NewRoundStep', 'RoundStepPrevote')], lanes, 1000, isMark);
    expect(grown).toBe(log);
    expect(grown.at.done).toBe(6);
    expect(grown.closed[1]).toEqual([{ from: 5, to: 20, step: 'RoundStepPropose' }]);
    expect(grown.marks.length).toBe(1);
    // another log (its first event differs): read afresh
    expect(readLog([ev('b', 1030, 'NewBlock')], lanes, 1000, isMark).marks.map((p) => p.t)).toEqual([30]);
  });

  it('goes on reading after the log drops its oldest events, and drops what came from them', () => {
    const events = [ev('a', 1000, 'NewRoundStep'), ev('a', 1002, 'Polka'), ev('a', 1010, 'NewRoundStep', 'RoundStepPrevote'), ev('b', 1011, 'NewRoundStep'), ev('b', 1012, 'NewBlock'), ev('a', 1020, 'NewRoundStep', 'RoundStepPrecommit')];
    const log = readLog(events, lanes, 1000, isMark);
    expect(log.closed[0].length).toBe(2);
    // the history drops its first three events and grows by one
    const trimmed = [...events.slice(3), ev('a', 1030, 'Polka')];
    expect(readLog(trimmed, lanes, 1000, isMark)).toBe(log); // not read afresh
    expect(log.marks.map((p) => p.t)).toEqual([12, 30]);
    expect(log.dropped.marks).toBe(1);
    expect(log.closed[0]).toEqual([{ from: 10, to: 20, step: 'RoundStepPrevote' }]); // the one that ended at 10 is gone
    expect(log.dropped.closed).toEqual([1, 0]);
    expect(log.at.done).toBe(4);
  });

  it('notes when the marks’ times go back, so that the window is not bisected', () => {
    const log = readLog([ev('a', 1050, 'Polka'), ev('b', 1040, 'NewBlock')], lanes, 1000, isMark);
    expect(log.marksSorted).toBe(false);
    expect(marksInWindow(log, 45, 60)).toEqual([0, 2]);
  });
});

describe('the time window', () => {
  const at = (...ts: number[]) => ({ marks: ts.map((t) => ({ lane: 0, t, e: ev('a', t, 'Polka') })), marksSorted: true });

  it('finds the marks within [t0, t1], both ends included', () => {
    expect(marksInWindow(at(0, 10, 10, 20, 30, 40), 10, 30)).toEqual([1, 5]);
    expect(marksInWindow(at(0, 10, 20), 21, 50)).toEqual([3, 3]);
    expect(marksInWindow(at(), 0, 1)).toEqual([0, 0]);
  });

  it('bisects: the first index where a predicate turns true', () => {
    expect(firstIndex([1, 2, 3, 4], (x) => x > 2)).toBe(2);
    expect(firstIndex([1, 2], (x) => x > 5)).toBe(2);
    expect(firstIndex([1, 2], () => true)).toBe(0);
  });
});

describe('what a draw leaves out', () => {
  it('keeps a lane’s segments that win a pixel, the last of those sharing one', () => {
    // three segments within pixel 10 (each drawn a pixel wide), then two wide ones
    const shown = (spans: [number, number][]) => shownSegments(spans.length, (i) => spans[i][0], (i) => spans[i][1]);
    expect(shown([[10.1, 11.1], [10.4, 11.4], [10.7, 11.7], [11, 20], [20, 30.5]])).toEqual([2, 3, 4]);
    expect(shown([[0, 5], [5, 9]])).toEqual([0, 1]);
    expect(shown([])).toEqual([]);
  });

  it('keeps the last of the marks of one kind at one pixel of one lane, in draw order', () => {
    const keys = [markKey(0, 1, 100), markKey(0, 2, 100), markKey(1, 1, 100), markKey(0, 1, 100), markKey(0, 1, 101)];
    expect(shownMarks(keys.length, (i) => keys[i])).toEqual([1, 2, 3, 4]);
    expect(new Set([markKey(0, 1, 2), markKey(1, 0, 2), markKey(0, 0, 3), markKey(65535, 63, 2)]).size).toBe(4);
  });
});

describe('markAt', () => {
  it('a click takes the nearest mark of its lane within 6 px; of two at one moment, the one drawn on top', () => {
    const [validBlock, lock, other] = [ev('a', 1000, 'ValidBlock'), ev('a', 1000, 'Lock'), ev('b', 1000, 'Polka')];
    const marks = [{ lane: 0, t: 0, e: validBlock }, { lane: 0, t: 0, e: lock }, { lane: 1, t: 0, e: other }, { lane: 0, t: 20, e: ev('a', 1020, 'Polka') }];
    const x = (t: number) => t * 2;
    expect(markAt(marks, 0, 1, x)?.e).toBe(lock); // drawn after the ValidBlock: on top of it
    expect(markAt(marks, 1, 1, x)?.e).toBe(other);
    expect(markAt(marks, 0, 38, x)?.e.type).toBe('Polka');
    expect(markAt(marks, 0, 20, x)).toBeNull(); // 20 px from both
  });
});

// Incremental readers of the event log: a log that grows is read on, a live log trimmed at the front
// is read on too (what was read stands), another log is read from its start.
import { describe, expect, it } from 'vitest';
import { readTo, resumeAt, startOf } from './log-cursor.js';
import { accused } from './evidence.js';
import type { ObsEvent } from '../observe/model.js';

const ev = (k: number, accusedAddress?: string): ObsEvent =>
  (accusedAddress ? { type: 'Evidence', validatorAddress: accusedAddress, time: k } : { type: 'NewRoundStep', time: k }) as unknown as ObsEvent;

describe('log cursor', () => {
  const log = Array.from({ length: 20 }, (_, k) => ev(k));
  it('resumes where it stopped on a grown log, after the last one read on a trimmed one, and restarts on another', () => {
    const c = startOf(log);
    readTo(c, log.slice(0, 12));
    expect(resumeAt(c, log)).toBe(12);
    expect(resumeAt(c, log.slice(5))).toBe(7); // 5 dropped at the front
    expect(resumeAt(c, log.slice(0, 8))).toBe(-1); // shorter: a view frozen earlier, read again
    expect(resumeAt(c, Array.from({ length: 20 }, (_, k) => ev(k)))).toBe(-1); // same values, another log
    expect(resumeAt(c, log.slice(13))).toBe(-1); // trimmed past what was read
  });

  it('accused: evidence read once stays accused while the live log drops it; another log starts afresh', () => {
    const live = [...log.slice(0, 10), ev(10, 'AA'), ...log.slice(11)];
    expect([...accused(live)]).toEqual(['aa']);
    const later = [...live.slice(15), ev(20, 'BB'), ev(21)];
    expect([...accused(later)].sort()).toEqual(['aa', 'bb']);
    expect([...accused([ev(0), ev(1, 'CC')])]).toEqual(['cc']);
    expect([...accused([])]).toEqual([]);
  });
});

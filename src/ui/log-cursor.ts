// Where an incremental reader of the event log (names.ts, evidence.ts) resumes. The log only grows
// between resets, except that a live view's history drops its oldest events (live/history.ts): that
// is no reset, and reading all of what is left again (tens of thousands of events, every few
// seconds) made a long frame of its own while the tab validated (issue 13).
import type { ObsEvent } from '../observe/model.js';

/** How far a reader got: the log's first event, the last one it read, and how many it read. */
export interface LogCursor {
  first: ObsEvent | undefined;
  last: ObsEvent | undefined;
  done: number;
}

export const startOf = (events: readonly ObsEvent[]): LogCursor => ({ first: events[0], last: undefined, done: 0 });

/** The index in `events` to read on from, or -1 when `events` is another log (start again). */
export function resumeAt(c: LogCursor, events: readonly ObsEvent[]): number {
  if (c.first === events[0]) return c.done <= events.length ? c.done : -1;
  if (c.done === 0) return -1;
  // trimmed at the front: the last event read moved forward by as many as were dropped
  for (let i = Math.min(c.done, events.length) - 1; i >= 0; i--) if (events[i] === c.last) return i + 1;
  return -1;
}

/** Records that `events` was read to its end. */
export function readTo(c: LogCursor, events: readonly ObsEvent[]): void {
  c.first = events[0];
  c.last = events[events.length - 1];
  c.done = events.length;
}

// What the timeline draws, read from the event log, and which of it a draw needs (timeline-draw.ts).
// Pure, so that it is tested on its own (timeline-log.test.ts). A draw's cost is its canvas calls:
// with the whole history in view (the live view's default), minutes of a fast chain are thousands
// of step segments and marks, most narrower than a pixel. What is hidden is left out: what lies
// outside the time window, a segment that later ones paint over in every pixel it touches, a mark
// drawn again later at the same pixel of its lane (a long session's history, squeezed into a few
// pixels, then costs a few hundred calls).
import type { ObsEvent } from '../observe/model.js';
import { readTo, resumeAt, startOf } from './log-cursor.js';
import type { LogCursor } from './log-cursor.js';

/** A finished step of one lane: from one NewRoundStep to the next (ms since the origin). */
export interface Segment {
  from: number;
  to: number;
  step: string;
}

/** An event where the timeline draws it: its node's lane and ms since the origin. */
export interface Placed {
  lane: number;
  t: number;
  e: ObsEvent;
}

/**
 * The marks and the finished step segments, read from the event log once per event: between
 * resets the log only grows (at 100 validators it grows by thousands of events a second, and
 * re-reading all of it every frame was most of a frame's work), but for a live view's history
 * dropping its oldest events (log-cursor.ts). Then what came from them is dropped here too,
 * from the front, and counted, so that the timeline worker can drop the same (deltaOf).
 */
export interface TimelineLog {
  at: LogCursor;
  lanes: Map<string, number>;
  origin: number;
  /** in log order: the order they are drawn in (later marks over earlier ones) */
  marks: Placed[];
  /** the marks' times never go down (the usual case): the window is found by bisection */
  marksSorted: boolean;
  /** each lane's finished segments, in time order */
  closed: Segment[][];
  /** each lane's current step, up to now */
  open: Map<number, { from: number; step: string }>;
  /** how many marks, and each lane's finished segments, were dropped from the front so far */
  dropped: { marks: number; closed: number[] };
}

let cache: TimelineLog | null = null;

/** The log read up to its end; `isMark` picks the event types drawn as marks. */
export function readLog(events: readonly ObsEvent[], lanes: Map<string, number>, origin: number, isMark: (type: string) => boolean): TimelineLog {
  let from = cache && cache.lanes === lanes && cache.origin === origin ? resumeAt(cache.at, events) : -1;
  if (from < 0) {
    cache = { at: startOf(events), lanes, origin, marks: [], marksSorted: true, closed: Array.from({ length: lanes.size }, () => []), open: new Map(), dropped: { marks: 0, closed: [] } };
    from = 0;
  } else if (cache!.at.first !== events[0]) {
    forgetBefore(cache!, events[0]);
  }
  const d = cache!;
  for (let k = from; k < events.length; k++) {
    const e = events[k];
    const lane = lanes.get(e.node);
    if (lane === undefined) continue;
    const t = e.time - origin;
    if (isMark(e.type)) {
      const last = d.marks.at(-1);
      if (last && t < last.t) d.marksSorted = false;
      d.marks.push({ lane, t, e });
    }
    if (e.type !== 'NewRoundStep') continue;
    const cur = d.open.get(lane);
    if (cur) d.closed[lane].push({ from: cur.from, to: t, step: cur.step });
    d.open.set(lane, { from: t, step: e.step });
  }
  readTo(d.at, events);
  return d;
}

/**
 * The log lost its events before `first`: drops the marks read from them (those before the mark
 * of `first` or of the first later event, in log order) and the segments that ended before it.
 */
function forgetBefore(d: TimelineLog, first: ObsEvent): void {
  const cutoff = first.time - d.origin;
  // marks are in log order, and the events dropped are the log's front: their marks lead
  let k = 0;
  while (k < d.marks.length && d.marks[k].e !== first && d.marks[k].t < cutoff) k++;
  d.marks.splice(0, k);
  d.dropped.marks += k;
  d.closed.forEach((segs, lane) => {
    const n = firstIndex(segs, (s) => s.to > cutoff);
    segs.splice(0, n);
    d.dropped.closed[lane] = (d.dropped.closed[lane] ?? 0) + n;
  });
}

/** The first index of `xs` at which `after` holds, `after` being false and then true along `xs`. */
export function firstIndex<T>(xs: readonly T[], after: (x: T) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The index range [from, to) of the marks to look at for the time window [t0, t1]. */
export function marksInWindow(log: { marks: readonly { t: number }[]; marksSorted: boolean }, t0: number, t1: number): [number, number] {
  if (!log.marksSorted) return [0, log.marks.length]; // the draw tests each one
  return [firstIndex(log.marks, (p) => p.t >= t0), firstIndex(log.marks, (p) => p.t > t1)];
}

/** Equal for the same kind of mark at the same pixel of the same lane (kinds < 64, lanes < 65536). */
export const markKey = (lane: number, kind: number, px: number): number => (px * 64 + kind) * 65536 + lane;

/**
 * Which of one lane's `n` segments show, given each one's extent in device pixels [a(i), b(i)) in
 * draw order (time order: each starts where the one before ended, so later ones lie to the
 * right). Each is painted opaque over what was drawn before, so a segment shows only where no
 * later one covers it; walking from the newest back, what is covered is everything right of the
 * leftmost pixel painted so far. A segment is kept when it wins at least one whole pixel.
 */
export function shownSegments(n: number, a: (i: number) => number, b: (i: number) => number): number[] {
  const out: number[] = [];
  let left = Infinity;
  for (let i = n - 1; i >= 0; i--) {
    const from = Math.floor(a(i));
    if (from < Math.min(Math.ceil(b(i)), left)) out.push(i);
    left = Math.min(left, from);
  }
  return out.reverse();
}

/**
 * Which of `n` marks to draw, given each one's markKey (lane, kind, device pixel) in draw order:
 * where the same kind of mark is drawn again later at the same pixel of its lane, the earlier one
 * is covered by the same glyph, and left out.
 */
export function shownMarks(n: number, key: (i: number) => number): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const k = key(i);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(i);
  }
  return out.reverse();
}

/**
 * The mark a click at `px` on `lane` hits: the nearest within 6 px, and of marks equally near the
 * last in log order, which is drawn on top (a Lock over the ValidBlock of the same moment).
 */
export function markAt(marks: readonly Placed[], lane: number, px: number, xOf: (t: number) => number): Placed | null {
  let best: Placed | null = null;
  let bestDistance = 6;
  for (const p of marks) {
    if (p.lane !== lane) continue;
    const d = Math.abs(xOf(p.t) - px);
    if (d < 6 && d <= bestDistance) [best, bestDistance] = [p, d];
  }
  return best;
}

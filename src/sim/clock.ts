// Virtual time: a clock that only moves when the simulator says so, and a timer queue ordered by
// (time, insertion order) so that simultaneous events always fire in the same order.
import type { Clock, Scheduler, TimerHandle } from '../node/ports.js';

/** A pending timer is its own handle: a run schedules about a million a height at 100 validators. */
class Timer implements TimerHandle {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

export class VirtualClock implements Clock, Scheduler {
  private t: number;
  private seq = 0;
  private heap: Timer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer = new Timer(this.t + Math.max(0, ms), this.seq++, fn);
    this.push(timer);
    return timer;
  }

  /** A place in the firing order, taken now for a timer made later with `atTicket`. */
  ticket(): number {
    return this.seq++;
  }

  /** A timer at `at` (not before now) that fires in the place `seq` taken earlier by `ticket`. */
  atTicket(at: number, seq: number, fn: () => void): TimerHandle {
    const timer = new Timer(Math.max(at, this.t), seq, fn);
    this.push(timer);
    return timer;
  }

  /** Time of the next pending timer, or null. */
  peek(): number | null {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
    return this.heap.length ? this.heap[0].at : null;
  }

  /**
   * Advances to the earliest timer and fires it alone, so the simulator can let every node settle
   * before the next one. Returns false when nothing is pending.
   */
  fireNext(): boolean {
    if (this.peek() === null) return false;
    const timer = this.pop();
    this.t = Math.max(this.t, timer.at);
    timer.fn();
    return true;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  // A 4-ary heap whose sifts move a hole instead of swapping pairs: a run fires about half a
  // million timers a height at 100 validators from a heap of some 2,600, and four children a
  // level halve the levels a pop walks down (the order fired is the same: (at, seq) is unique).
  private push(t: Timer): void {
    const h = this.heap;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (!this.less(t, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = t;
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let m = first;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) if (this.less(h[c], h[m])) m = c;
      if (!this.less(h[m], last)) break;
      h[i] = h[m];
      i = m;
    }
    h[i] = last;
    return top;
  }
}

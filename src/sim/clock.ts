// Virtual time: a clock that only moves when the simulator says so, and a timer queue ordered by
// (time, insertion order) so that simultaneous events always fire in the same order.
import type { Clock, Scheduler, TimerHandle } from '../node/ports.js';

/** A pending timer is its own handle: a run schedules about a million a height at 100 validators. */
class Timer implements TimerHandle {
  cancelled = false;
  constructor(readonly fn: () => void) {}

  cancel(): void {
    this.cancelled = true;
  }
}

/** A timer placed anew each time it fired (`VirtualClock.reusable`); not cancellable. */
export type ReusableTimer = { readonly fn: () => void };

export class VirtualClock implements Clock, Scheduler {
  private t: number;
  private seq = 0;
  // The heap: each timer's (at, seq) key lives only in typed arrays beside it, so that the sifts
  // compare numbers in two flat arrays instead of chasing a pointer to a Timer per comparison.
  private timers: Timer[] = [];
  private keyAt = new Float64Array(1024);
  private keySeq = new Float64Array(1024);
  private n = 0;
  // Timers made for the current time (`soon`), in the order made. Each takes its place in the
  // firing order when made, and all are due now, so this list is in the heap's order without being
  // in the heap. Nearly every message of a run without delays is one (20k a height at 100 validators).
  private soonFns: ((arg: never) => void)[] = [];
  private soonArgs: unknown[] = [];
  private soonSeq: number[] = [];
  /** the pending ones are [soonHead, soonTail); emptied, the lists are refilled from 0 */
  private soonHead = 0;
  private soonTail = 0;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer = new Timer(fn);
    this.push(timer, this.t + Math.max(0, ms), this.seq++);
    return timer;
  }

  /** A place in the firing order, taken now for a timer made later with `atTicket`. */
  ticket(): number {
    return this.seq++;
  }

  /**
   * A timer for `fn` to place again and again with `atTicket`, one place at a time: a link's
   * first message in flight (a timer object per message was one allocation of the few a message costs).
   */
  reusable(fn: () => void): ReusableTimer {
    return new Timer(fn);
  }

  /** Places `timer` (not pending) at `at` (not before now), firing in the place `seq` taken earlier by `ticket`. */
  atTicket(at: number, seq: number, timer: ReusableTimer): void {
    this.push(timer as Timer, Math.max(at, this.t), seq);
  }

  /**
   * `fn(arg)` at the current time, after every timer made so far for it: what `after(0, …)` does,
   * without a timer object or a place in the heap. Not cancellable.
   */
  soon<T>(fn: (arg: T) => void, arg: T): void {
    const i = this.soonTail++;
    this.soonFns[i] = fn as (arg: never) => void;
    this.soonArgs[i] = arg;
    this.soonSeq[i] = this.seq++;
  }

  /** Time of the next pending timer, or null. */
  peek(): number | null {
    // a timer made with `soon` is due at the current time: nothing is due earlier
    if (this.soonHead < this.soonTail) return this.t;
    while (this.n && this.timers[0].cancelled) this.pop();
    return this.n ? this.keyAt[0] : null;
  }

  /**
   * Advances to the earliest timer and fires it alone, so the simulator can let every node settle
   * before the next one. Returns false when nothing is pending.
   */
  fireNext(): boolean {
    while (this.n && this.timers[0].cancelled) this.pop();
    const h = this.soonHead;
    if (h < this.soonTail) {
      // the heap's top goes first only when it is due now too and was made earlier
      if (!(this.n && this.keyAt[0] === this.t && this.keySeq[0] < this.soonSeq[h])) {
        const fn = this.soonFns[h];
        const arg = this.soonArgs[h] as never;
        this.soonArgs[h] = undefined; // let it go
        if (++this.soonHead === this.soonTail) this.soonHead = this.soonTail = 0;
        fn(arg);
        return true;
      }
    } else if (this.n === 0) return false;
    const at = this.keyAt[0];
    const timer = this.pop();
    this.t = Math.max(this.t, at);
    timer.fn();
    return true;
  }

  // A 4-ary heap whose sifts move a hole instead of swapping pairs: a run fires about half a
  // million timers a height at 100 validators from a heap of some 2,600, and four children a
  // level halve the levels a pop walks down (the order fired is the same: (at, seq) is unique).
  private push(timer: Timer, at: number, seq: number): void {
    if (this.n === this.keyAt.length) this.grow();
    const { timers, keyAt, keySeq } = this;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
      if (!(at < keyAt[p] || (at === keyAt[p] && seq < keySeq[p]))) break;
      timers[i] = timers[p];
      keyAt[i] = keyAt[p];
      keySeq[i] = keySeq[p];
      i = p;
    }
    timers[i] = timer;
    keyAt[i] = at;
    keySeq[i] = seq;
  }

  private pop(): Timer {
    const { timers, keyAt, keySeq } = this;
    const top = timers[0];
    const n = --this.n;
    const last = timers[n];
    const at = keyAt[n];
    const seq = keySeq[n];
    timers[n] = undefined!; // let the fired timer's closure go
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      let m = first;
      const end = Math.min(first + 4, n);
      for (let c = first + 1; c < end; c++) if (keyAt[c] < keyAt[m] || (keyAt[c] === keyAt[m] && keySeq[c] < keySeq[m])) m = c;
      if (!(keyAt[m] < at || (keyAt[m] === at && keySeq[m] < seq))) break;
      timers[i] = timers[m];
      keyAt[i] = keyAt[m];
      keySeq[i] = keySeq[m];
      i = m;
    }
    timers[i] = last;
    keyAt[i] = at;
    keySeq[i] = seq;
    return top;
  }

  private grow(): void {
    const at = new Float64Array(this.keyAt.length * 2);
    const seq = new Float64Array(this.keySeq.length * 2);
    at.set(this.keyAt);
    seq.set(this.keySeq);
    this.keyAt = at;
    this.keySeq = seq;
  }
}

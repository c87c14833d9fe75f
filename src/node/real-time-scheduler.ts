// The Scheduler of a live node: the platform's timers (setTimeout exists in Node and browsers).
import type { Clock, Scheduler, TimerHandle } from './ports.js';

export const realTimeScheduler: Scheduler & Clock = {
  now: () => Date.now(),
  after(ms: number, fn: () => void): TimerHandle {
    const id = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(id) };
  },
};

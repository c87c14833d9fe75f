// TimeoutTicker (spec §6.2): one timer, "latest (height, round, step) wins". A request for an
// older or equal HRS is dropped; a newer one replaces the armed timer. Fired timeouts may still
// be stale when processed; the core filters those (§4.14).
import type { TimeoutInfo } from '../core/consensus/io.js';
import type { Scheduler, TimerHandle } from './ports.js';

export class TimeoutTicker {
  private current: TimeoutInfo = { duration: 0, height: 0, round: 0, step: 0 as TimeoutInfo['step'] };
  private timer: TimerHandle | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly onTimeout: (ti: TimeoutInfo) => void,
  ) {}

  schedule(ti: TimeoutInfo): void {
    const cur = this.current;
    if (ti.height < cur.height) return;
    if (ti.height === cur.height) {
      if (ti.round < cur.round) return;
      if (ti.round === cur.round && cur.step > 0 && ti.step <= cur.step) return;
    }
    this.timer?.cancel();
    this.current = { ...ti };
    const fired = { ...ti };
    this.timer = this.scheduler.after(Math.max(0, ti.duration), () => {
      this.timer = null;
      this.onTimeout(fired);
    });
  }

  /**
   * Fires the armed timeout now instead of at its deadline (a teacher's "force a timeout"; to the
   * engine it is indistinguishable from a fast local clock). Returns false when nothing is armed.
   */
  fireNow(): boolean {
    if (!this.timer) return false;
    this.timer.cancel();
    this.timer = null;
    this.onTimeout({ ...this.current });
    return true;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

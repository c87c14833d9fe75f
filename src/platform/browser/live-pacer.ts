// When the worker's statuses and frames reach the views (issue 13: frame times stay at 60 fps
// while the tab validates). Every view update — React, the canvases, style, layout, paint — is
// several ms on the main thread, which also carries libp2p; on a busy machine (a validating tab
// shares its cores with its own worker and everything else) an update that lands on a frame already
// running late makes it a long one. So the page holds what the worker sends and hands it over in
// an animation frame that came on time, and spaces the updates out while they keep costing frames:
//   - nothing is lost: frames carry the events since the last one and are all passed on, in order
//     (the store applies a batch in one go); of several statuses only the newest is passed;
//   - the gap between updates doubles (up to MAX_GAP_MS) while an update is followed by a late
//     frame, and halves back to nothing while updates fit;
//   - anything else (an error, a WAL file) passes at once, after what was held;
//   - the status of an update passes one animation frame after its frames, in the frame where the
//     store applies them (it applies frames in the next animation frame): a status handed over
//     with the frames was a React render, layout and paint of its own, a frame before theirs.

import type { LiveMessage } from '../../observe/live.js';

/** A frame later than this (ms since the last one) was missed: 60 Hz is 16.7 ms. */
export const LATE_MS = 25;
/** The longest gap between view updates (ms): even a busy tab's views move twice a second. */
export const MAX_GAP_MS = 500;
/** Held this long, messages are passed whatever the frames say (ms). */
export const MAX_HOLD_MS = 1000;
/** Frames watched after an update for a late one. */
const WATCH_FRAMES = 2;

export interface PacerClock {
  now(): number;
  /** requestAnimationFrame: `cb` gets the frame's time */
  frame(cb: (t: number) => void): void;
  /** true while the page is hidden (no animation frames come then: pass everything at once) */
  hidden(): boolean;
}

export const browserPacerClock: PacerClock = {
  now: () => performance.now(),
  frame: (cb) => void requestAnimationFrame(cb),
  hidden: () => document.visibilityState === 'hidden',
};

export class ViewPacer {
  private held: LiveMessage[] = [];
  private heldSince = 0;
  private lastFrame: number | null = null;
  private lastUpdate = -Infinity;
  private gap = 0;
  /** frames still to watch after the last update, and whether one of them was late */
  private watching = 0;
  private lateAfterUpdate = false;
  private looping = false;
  /** the status of the last update, passed in the next frame (release) */
  private status: LiveMessage | null = null;

  constructor(
    private readonly deliver: (m: LiveMessage) => void,
    private readonly clock: PacerClock = browserPacerClock,
  ) {}

  /** The gap now kept between updates (ms; tests). */
  get currentGap(): number {
    return this.gap;
  }

  push(m: LiveMessage): void {
    if (m.type !== 'frame' && m.type !== 'status') {
      this.release();
      return this.deliver(m);
    }
    if (this.held.length === 0) this.heldSince = this.clock.now();
    this.held.push(m);
    if (this.clock.hidden()) return this.release();
    this.loop();
  }

  private loop(): void {
    if (this.looping) return;
    this.looping = true;
    this.clock.frame((t) => this.onFrame(t));
  }

  private onFrame(t: number): void {
    this.looping = false;
    // null: the first frame after a pause, which says nothing of lateness yet (one more frame's wait)
    const late = this.lastFrame === null ? null : t - this.lastFrame > LATE_MS;
    this.lastFrame = t;
    if (this.watching > 0) {
      this.lateAfterUpdate ||= late === true;
      if (--this.watching === 0) this.gap = this.lateAfterUpdate ? Math.min(MAX_GAP_MS, Math.max(2 * this.gap, 125)) : this.gap < 100 ? 0 : this.gap / 2;
    }
    if (this.held.length > 0) {
      const due = late === false && t - this.lastUpdate >= this.gap;
      if (due || this.clock.now() - this.heldSince >= MAX_HOLD_MS) {
        this.lastUpdate = t;
        this.watching = WATCH_FRAMES;
        this.lateAfterUpdate = false;
        this.release(true);
      }
    }
    if (this.held.length > 0 || this.watching > 0) this.loop();
    else this.lastFrame = null;
  }

  /**
   * Passes what is held: every frame in order, and the newest status; in an update (`paced`) that
   * has frames, the status in the next animation frame, with the store's application of them.
   */
  private release(paced = false): void {
    if (this.held.length === 0) return this.passStatus();
    const held = this.held;
    this.held = [];
    let frames = false;
    for (const m of held) {
      if (m.type === 'status') this.status = m;
      else {
        frames = true;
        this.deliver(m);
      }
    }
    if (paced && frames) this.clock.frame(() => this.passStatus());
    else this.passStatus();
  }

  private passStatus(): void {
    const status = this.status;
    this.status = null;
    if (status) this.deliver(status);
  }
}

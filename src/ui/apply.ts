// Applying a source's frames to what the views show: a pure function, so that any source's
// messages give the same state (src/ui/sources.test.ts) and the store stays a thin shell.
import type { Frame, ObsEvent } from '../observe/model.js';
import type { FrameMessage } from '../observe/protocol.js';

export interface Observed {
  /** every event of this history, in order */
  events: ObsEvent[];
  frame: Frame | null;
  playing: boolean;
  /** the furthest time (ms since the origin) reached since the history was last replaced (the seek bar's end) */
  horizon: number;
}

export const EMPTY: Observed = { events: [], frame: null, playing: false, horizon: 0 };

/**
 * The state after a batch of frames (at most one batch per animation frame). `playPausesSent`:
 * the play and pause commands the page has sent this source; while its frames count fewer, the
 * play state stays the one the page asked for.
 */
export function applyFrames(s: Observed, batch: readonly FrameMessage[], playPausesSent = 0): Observed {
  if (batch.length === 0) return s;
  let events = s.events;
  let horizon = s.horizon;
  for (const m of batch) {
    events = m.reset ? m.events : events.concat(m.events);
    if (m.reset) horizon = m.frame.t;
  }
  const last = batch[batch.length - 1];
  const playing = (last.playPauses ?? Infinity) >= playPausesSent ? last.playing : s.playing;
  return { events, frame: last.frame, playing, horizon: Math.max(horizon, last.frame.t) };
}

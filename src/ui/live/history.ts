// What the live view keeps of a network it cannot pause (issue 13). Frames are applied by the same
// applyFrames as the classroom's; on top, the last few minutes are kept in memory so that "pause"
// can freeze the views and the person can scroll back while frames keep arriving. Pure functions:
// the store holds the value, tests drive it directly (history.test.ts).
import type { Frame } from '../../observe/model.js';
import type { FrameMessage, PlaybackCommand } from '../../observe/protocol.js';
import { applyFrames, EMPTY } from '../apply.js';
import type { Observed } from '../apply.js';

/** How far back the person can scroll: events and frames older than this are let go. */
export const WINDOW_MS = 180_000;
/**
 * At most one frame kept per this many ms of the node's clock: a frame is a whole snapshot (the
 * HeightVoteSet included), so 3 minutes at 4 a second is ~720 of them, a few MB.
 */
export const GAP_MS = 250;
/** Events are dropped off the front in chunks, so that the log is not copied for every frame. */
const TRIM_CHUNK = 512;
/** Whatever the clock says, never more events than this (a flood of votes on a large chain). */
export const MAX_EVENTS = 60_000;

/** A frame kept for scrolling back: `events` counts every event received up to and with it. */
export interface Kept {
  seq: number;
  frame: Frame;
  events: number;
}

export interface History {
  /** everything received, as applyFrames makes it (events trimmed to the window): the live head */
  head: Observed;
  /** events trimmed off the front of head.events */
  dropped: number;
  /** frames to scroll back through, oldest first (the head is added when the views freeze) */
  kept: Kept[];
  /** batches received so far: the head's sequence number */
  seq: number;
}

export const NO_HISTORY: History = { head: EMPTY, dropped: 0, kept: [], seq: 0 };

/** A frame's moment on the node's clock (absolute ms). */
export const momentOf = (f: Frame): number => f.origin + f.t;

/** The history after a batch of frames (at most one batch per animation frame). */
export function record(h: History, batch: readonly FrameMessage[]): History {
  if (batch.length === 0) return h;
  // a reset replaces the history: what was kept belongs to another one
  const reset = batch.some((m) => m.reset);
  let head = applyFrames(h.head, batch);
  let dropped = reset ? 0 : h.dropped;
  let kept = reset ? [] : h.kept;
  const seq = h.seq + 1;
  const frame = head.frame!;
  const prev = kept.at(-1);
  if (!prev || momentOf(frame) - momentOf(prev.frame) >= GAP_MS) kept = [...kept, { seq, frame, events: dropped + head.events.length }];
  // let go of what is older than the window, but never of the last kept frame
  const cutoff = momentOf(frame) - WINDOW_MS;
  const old = kept.findIndex((k) => momentOf(k.frame) >= cutoff);
  if (old !== 0) kept = kept.slice(old < 0 ? kept.length - 1 : old);
  let n = 0;
  while (n < head.events.length && head.events[n].time < cutoff) n++;
  n = Math.max(n, head.events.length - MAX_EVENTS);
  if (n >= TRIM_CHUNK) {
    head = { ...head, events: head.events.slice(n) };
    dropped += n;
  }
  return { head, dropped, kept, seq };
}

/** The kept frame shown for `seq`: the latest kept at or before it (the oldest once it fell out of the window). */
export function keptAt(h: History, seq: number): Kept | null {
  let best: Kept | null = null;
  for (const k of h.kept) {
    if (k.seq > seq) break;
    best = k;
  }
  return best ?? h.kept[0] ?? null;
}

/** What the views draw when frozen at `seq`: that frame, and the events up to it. */
export function viewAt(h: History, seq: number): Observed {
  const k = keptAt(h, seq);
  if (!k) return h.head;
  return { events: h.head.events.slice(0, Math.max(0, k.events - h.dropped)), frame: k.frame, playing: false, horizon: h.head.horizon };
}

/** Keeps the head itself (the views freeze on exactly what they show). */
export function keepHead(h: History): History {
  const f = h.head.frame;
  if (!f || h.kept.at(-1)?.seq === h.seq) return h;
  return { ...h, kept: [...h.kept, { seq: h.seq, frame: f, events: h.dropped + h.head.events.length }] };
}

/** The kept frame nearest a moment (absolute ms). */
export function nearest(h: History, moment: number): Kept | null {
  let best: Kept | null = null;
  for (const k of h.kept) if (!best || Math.abs(momentOf(k.frame) - moment) < Math.abs(momentOf(best.frame) - moment)) best = k;
  return best;
}

/** What the live view is: the history and where the views are frozen (null: following the head). */
export interface LiveView {
  history: History;
  frozen: number | null;
}

/**
 * The playback commands on a live network, which does not stop: pause freezes the views at the
 * head, play goes back to it, step moves one kept frame on (`back`: one back), seek (ms since the
 * head frame's origin, as the classroom's) freezes at the kept frame nearest that moment.
 */
export function playback(v: LiveView, cmd: PlaybackCommand | { type: 'back' }): LiveView {
  const h = v.history;
  switch (cmd.type) {
    case 'pause': {
      if (v.frozen !== null) return v;
      const kept = keepHead(h);
      return { history: kept, frozen: kept.head.frame ? kept.seq : null };
    }
    case 'play':
      return { ...v, frozen: null };
    case 'step':
    case 'back': {
      if (v.frozen === null) return cmd.type === 'back' ? playback(playback(v, { type: 'pause' }), cmd) : v;
      const at = keptAt(h, v.frozen);
      const i = at ? h.kept.indexOf(at) : -1;
      const next = h.kept[Math.max(0, Math.min(h.kept.length - 1, i + (cmd.type === 'step' ? 1 : -1)))];
      return next ? { ...v, frozen: next.seq } : v;
    }
    case 'seek': {
      const kept = keepHead(h);
      const origin = kept.head.frame?.origin ?? 0;
      const k = nearest(kept, origin + cmd.t);
      return k ? { history: kept, frozen: k.seq } : v;
    }
    default:
      return v;
  }
}

/** What the views draw: the head, or the frozen frame. */
export function shown(v: LiveView): Observed {
  return v.frozen === null ? v.history.head : viewAt(v.history, v.frozen);
}

/** The scroll-back range for the slider: oldest kept moment, the head's, and where the views are. */
export function span(v: LiveView): { from: number; to: number; at: number } | null {
  const head = v.history.head.frame;
  const first = v.history.kept[0];
  if (!head || !first) return null;
  const to = momentOf(head);
  const at = v.frozen === null ? to : momentOf(keptAt(v.history, v.frozen)!.frame);
  return { from: Math.min(momentOf(first.frame), to), to, at };
}

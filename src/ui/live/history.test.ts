// The live view's history: frames keep coming while the views are frozen; the person scrolls back
// over the last minutes and returns to the head; memory stays bounded.
import { describe, expect, it } from 'vitest';
import type { Frame, ObsEvent } from '../../observe/model.js';
import type { FrameMessage } from '../../observe/protocol.js';
import { GAP_MS, MAX_EVENTS, NO_HISTORY, WINDOW_MS, keptAt, momentOf, playback, record, shown, span } from './history.js';
import type { History, LiveView } from './history.js';

const ORIGIN = 1_000_000;
const frame = (t: number): Frame => ({ origin: ORIGIN, t, steps: t, nodes: [], selected: 'me', roundState: null, peers: [], partition: null, links: null, inFlight: [], faults: [], checks: [], logHash: '' });
const event = (t: number): ObsEvent => ({ type: 'NewRoundStep', node: 'me', time: ORIGIN + t, height: 1, round: 0, step: 'RoundStepPropose' });
const msg = (t: number, n = 1, reset = false): FrameMessage => ({ type: 'frame', reset, events: Array.from({ length: n }, () => event(t)), frame: frame(t), playing: true });

/** Frames every `every` ms from `from` to `to`, one batch each (one per animation frame). */
function feed(h: History, from: number, to: number, every: number, perFrame = 1): History {
  for (let t = from; t <= to; t += every) h = record(h, [msg(t, perFrame)]);
  return h;
}

describe('live history', () => {
  it('follows the head through applyFrames until paused; then frozen views stay while frames are kept', () => {
    let v: LiveView = { history: feed(NO_HISTORY, 0, 10_000, 100), frozen: null };
    expect(shown(v).frame!.t).toBe(10_000);
    expect(shown(v).events).toHaveLength(101);
    v = playback(v, { type: 'pause' });
    const frozen = shown(v);
    expect(frozen.frame!.t).toBe(10_000);
    v = { ...v, history: feed(v.history, 10_100, 20_000, 100) };
    expect(shown(v).frame).toBe(frozen.frame);
    expect(shown(v).events).toEqual(frozen.events);
    expect(v.history.head.frame!.t).toBe(20_000); // kept meanwhile
    v = playback(v, { type: 'play' });
    expect(shown(v).frame!.t).toBe(20_000);
    expect(shown(v).events).toHaveLength(201);
  });

  it('pausing freezes on exactly the head, even between kept frames', () => {
    let h = feed(NO_HISTORY, 0, 1000, 250);
    h = record(h, [msg(1100)]); // within GAP_MS of the last kept: not kept by itself
    expect(h.kept.at(-1)!.frame.t).toBe(1000);
    const v = playback({ history: h, frozen: null }, { type: 'pause' });
    expect(shown(v).frame!.t).toBe(1100);
    expect(shown(v).events).toHaveLength(6);
  });

  it('scrolls back by seek, step and back; the events shown end at the frame shown', () => {
    let v: LiveView = { history: feed(NO_HISTORY, 0, 60_000, 50), frozen: null };
    v = playback(v, { type: 'seek', t: 30_020 });
    expect(shown(v).frame!.t).toBe(30_000);
    expect(shown(v).events.every((e) => e.time <= ORIGIN + 30_000)).toBe(true);
    expect(shown(v).events.at(-1)!.time).toBe(ORIGIN + 30_000);
    v = playback(v, { type: 'step' });
    expect(shown(v).frame!.t).toBe(30_000 + GAP_MS);
    v = playback(playback(v, { type: 'back' }), { type: 'back' });
    expect(shown(v).frame!.t).toBe(30_000 - GAP_MS);
    expect(span(v)).toEqual({ from: ORIGIN, to: ORIGIN + 60_000, at: ORIGIN + 30_000 - GAP_MS });
    // back while live: freeze at the head, then one back
    const live = playback({ ...v, frozen: null }, { type: 'back' });
    expect(live.frozen).not.toBeNull();
    expect(shown(live).frame!.t).toBeLessThan(60_000);
  });

  it('keeps only the last minutes: memory is bounded, a frame frozen on too long moves to the oldest kept', () => {
    let v: LiveView = { history: feed(NO_HISTORY, 0, 10_000, 50), frozen: null };
    v = playback(v, { type: 'pause' });
    v = { ...v, history: feed(v.history, 10_050, 10_000 + WINDOW_MS + 60_000, 50) };
    const h = v.history;
    expect(h.kept.length).toBeLessThanOrEqual(WINDOW_MS / GAP_MS + 2);
    expect(momentOf(h.kept[0].frame)).toBeGreaterThanOrEqual(momentOf(h.head.frame!) - WINDOW_MS);
    // events older than the window were let go (in chunks): at most one chunk's worth older
    expect(h.head.events.length).toBeLessThan((WINDOW_MS + 30_000) / 50);
    expect(h.dropped + h.head.events.length).toBe((10_000 + WINDOW_MS + 60_000) / 50 + 1);
    expect(shown(v).frame).toBe(keptAt(h, v.frozen!)!.frame);
    expect(shown(v).frame!.t).toBe(h.kept[0].frame.t);
  });

  it('never holds more than MAX_EVENTS events, whatever the clock says', () => {
    const h = feed(NO_HISTORY, 0, 2000, 100, 5000);
    expect(h.head.events.length).toBeLessThanOrEqual(MAX_EVENTS + 5000);
  });

  it('a reset frame replaces the history', () => {
    let h = feed(NO_HISTORY, 0, 5000, 100);
    h = record(h, [msg(0, 2, true)]);
    expect(h.kept).toHaveLength(1);
    expect(h.head.events).toHaveLength(2);
    expect(h.dropped).toBe(0);
  });
});

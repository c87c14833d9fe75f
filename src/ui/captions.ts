// Which caption of a lesson is showing. Captions are tracked by event order, not by time: several
// captions may come up at one virtual time (a lock and the wait that follows it), and each must
// be shown in turn. The events so far say how far the lesson has got (`captionIndexAt`); the
// presenter's position (`pin`) may sit on an earlier caption of the same moment.
import type { FaultSpec, Scenario } from '../core/scenario.js';
import type { ObsEvent } from '../observe/model.js';
import type { Caption, Lesson } from './lessons.js';

export function captionMatches(on: Caption['on'], e: ObsEvent): boolean {
  return (
    e.type === on.type &&
    (on.node === undefined || e.node === on.node) &&
    (on.height === undefined || e.height === on.height) &&
    (on.round === undefined || e.round === on.round) &&
    (on.minRound === undefined || e.round >= on.minRound)
  );
}

/** The event that brought up each caption so far, in order. Captions come up in order. */
export function captionEvents(lesson: Lesson, events: readonly ObsEvent[]): ObsEvent[] {
  const out: ObsEvent[] = [];
  for (const e of events) {
    if (out.length < lesson.captions.length && captionMatches(lesson.captions[out.length].on, e)) out.push(e);
  }
  return out;
}

/** When each caption came up so far (the events' absolute ms), in order. */
export function captionTimes(lesson: Lesson, events: readonly ObsEvent[]): number[] {
  return captionEvents(lesson, events).map((e) => e.time);
}

/** Index of the last caption reached by the events (-1: none yet). */
export function captionIndexAt(lesson: Lesson, events: readonly ObsEvent[]): number {
  return captionEvents(lesson, events).length - 1;
}

/** The caption to show: the presenter's, if one is pinned and reached; else the last one reached. */
export function shownCaption(reached: number, pin: number | null): number {
  return pin === null ? reached : Math.min(pin, reached);
}

/** What PageDown (+1) or PageUp (-1) does, given the events so far and the time shown (ms since origin). */
export type CaptionMove =
  /** show caption `index` without moving the run: its event has happened already */
  | { kind: 'pin'; index: number }
  /** go back to the moment of caption `index` (ms since origin), then show it */
  | { kind: 'seek'; index: number; t: number }
  /** play until caption `index` comes up, then pause there */
  | { kind: 'play'; index: number };

export function captionMove(lesson: Lesson, events: readonly ObsEvent[], origin: number, now: number, pin: number | null, dir: 1 | -1): CaptionMove | null {
  const fired = captionEvents(lesson, events);
  const shown = shownCaption(fired.length - 1, pin);
  const target = shown + dir;
  if (target < 0 || target >= lesson.captions.length) return null;
  if (target >= fired.length) return { kind: 'play', index: target };
  const t = fired[target].time - origin;
  // the caption's moment is the one shown (same virtual time): no need to replay
  if (dir > 0 || t + 1 >= now) return { kind: 'pin', index: target };
  return { kind: 'seek', index: target, t: t + 1 };
}

/**
 * Where the run leaves the lesson's script: the simulator step of the first action that is not
 * the lesson's (actions are recorded with `at: { step }`), 0 if a fault of the lesson was dropped
 * or one without a step was added, null while the run is the lesson's.
 */
export function offScriptStep(lesson: Lesson, scenario: Scenario): number | null {
  const key = (f: FaultSpec) => JSON.stringify(f);
  const own = new Set(lesson.scenario.faults.map(key));
  const now = new Set(scenario.faults.map(key));
  if ([...own].some((k) => !now.has(k))) return 0;
  let step: number | null = null;
  for (const f of scenario.faults) {
    if (own.has(key(f))) continue;
    const at = f.at && 'step' in f.at ? f.at.step : 0;
    step = step === null ? at : Math.min(step, at);
  }
  return step;
}

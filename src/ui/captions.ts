// Which caption of a lesson is showing, given the events so far: the last one whose event has happened.
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

/** When each caption came up so far (the events' absolute ms), in order. Captions come up in order. */
export function captionTimes(lesson: Lesson, events: readonly ObsEvent[]): number[] {
  const times: number[] = [];
  for (const e of events) {
    if (times.length < lesson.captions.length && captionMatches(lesson.captions[times.length].on, e)) times.push(e.time);
  }
  return times;
}

/** Index of the caption to show (-1: none yet). */
export function captionIndexAt(lesson: Lesson, events: readonly ObsEvent[]): number {
  return captionTimes(lesson, events).length - 1;
}

// Which caption of a lesson is showing, given the events so far: the last one whose event has happened.
import type { ViewEvent } from '../core/view.js';
import type { Caption, Lesson } from './lessons.js';

export function captionMatches(on: Caption['on'], e: ViewEvent): boolean {
  return (
    e.type === on.type &&
    (on.node === undefined || e.node === on.node) &&
    (on.height === undefined || e.height === on.height) &&
    (on.round === undefined || e.round === on.round) &&
    (on.minRound === undefined || e.round >= on.minRound)
  );
}

/** Index of the caption to show (-1: none yet). Captions come up in order. */
export function captionIndexAt(lesson: Lesson, events: readonly ViewEvent[]): number {
  let i = 0;
  for (const e of events) {
    if (i < lesson.captions.length && captionMatches(lesson.captions[i].on, e)) i++;
  }
  return i - 1;
}

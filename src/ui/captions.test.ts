// Captions by event order: captions that come up at one virtual moment are each shown in turn,
// PageUp goes back one; a run the teacher changed is said to be off the lesson's script.
import { describe, expect, it } from 'vitest';
import { LESSONS, lessonById } from './lessons.js';
import type { Lesson } from './lessons.js';
import { captionEvents, captionIndexAt, captionMove, offScriptStep, shownCaption } from './captions.js';
import type { CaptionMove } from './captions.js';
import { conflictingVotes } from './evidence.js';
import { validatorNames } from './names.js';
import { eventLine } from '../observe/format.js';
import { ClassroomSession } from '../sim/session.js';
import type { ObsEvent } from '../observe/model.js';

async function eventsOf(lesson: Lesson, t = 30_000) {
  const s = new ClassroomSession();
  await s.load(lesson.scenario);
  await s.advanceTo(t);
  return { s, events: s.drain(), origin: s.origin };
}

/** A presenter pressing PageDown from the start: what is shown after each press (1-based), replaying as the page does. */
async function pageDowns(lesson: Lesson): Promise<number[]> {
  const { events, origin } = await eventsOf(lesson);
  const shown: number[] = [];
  let pin: number | null = null;
  let upTo = 0; // the events the page has so far
  for (let press = 0; press < lesson.captions.length; press++) {
    const now = upTo ? events[upTo - 1].time - origin : 0;
    const move: CaptionMove = captionMove(lesson, events.slice(0, upTo), origin, now, pin, 1)!;
    if (move.kind === 'play') {
      // play until the caption is reached; the batch ends with the event's whole moment
      const at = captionEvents(lesson, events)[move.index];
      upTo = events.findIndex((e) => e === at) + 1;
      while (upTo < events.length && events[upTo].time === at.time) upTo++;
    }
    pin = move.index;
    shown.push(shownCaption(captionIndexAt(lesson, events.slice(0, upTo)), pin) + 1);
  }
  return shown;
}

describe('captions by event order', () => {
  it('lock-on-polka: captions 2 and 3 come up at one moment, and PageDown shows each in turn', async () => {
    const lesson = lessonById('lock-on-polka')!;
    const { events } = await eventsOf(lesson);
    const [, second, third] = captionEvents(lesson, events);
    expect(second.time).toBe(third.time); // the case that skipped caption 2
    expect(await pageDowns(lesson)).toEqual([1, 2, 3, 4]);
  });

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: PageDown reaches every caption in order', async (_id, lesson) => {
    expect(await pageDowns(lesson)).toEqual(lesson.captions.map((_, i) => i + 1));
  });

  it('PageUp from 3/4 goes to 2/4: at the same moment without replaying, at an earlier one by seeking there', async () => {
    const lesson = lessonById('lock-on-polka')!;
    const { events, origin } = await eventsOf(lesson, 2200);
    const fired = captionEvents(lesson, events);
    expect(fired.length).toBe(3);
    expect(fired[1].time).toBe(fired[2].time);
    const now = fired[2].time - origin; // paused at caption 3's moment
    expect(captionMove(lesson, events, origin, now, null, -1)).toEqual({ kind: 'pin', index: 1 });
    expect(captionMove(lesson, events, origin, now, 1, -1)).toEqual({ kind: 'seek', index: 0, t: fired[0].time - origin + 1 });
    expect(captionMove(lesson, events, origin, now, 1, 1)).toEqual({ kind: 'pin', index: 2 });
    expect(captionMove(lesson, events, origin, now, 2, 1)).toEqual({ kind: 'play', index: 3 });
    expect(captionMove(lesson, events, origin, now, 0, -1)).toBeNull();
    // later than that moment, PageUp replays to the moment of the caption
    expect(captionMove(lesson, events, origin, now + 50, null, -1)).toEqual({ kind: 'seek', index: 1, t: fired[1].time - origin + 1 });
  });

  it('the caption shown is the pinned one while it is reached, else the last reached', () => {
    expect(shownCaption(2, null)).toBe(2);
    expect(shownCaption(2, 1)).toBe(1);
    expect(shownCaption(0, 3)).toBe(0);
  });
});

describe('off the lesson’s script', () => {
  const lesson = lessonById('proposer-crash')!;
  it('the lesson as written is on script', () => {
    expect(offScriptStep(lesson, structuredClone(lesson.scenario))).toBeNull();
  });
  it('an action of the teacher leaves it from the step it was taken at', () => {
    const s = structuredClone(lesson.scenario);
    s.faults.push({ kind: 'crash', node: 0, at: { step: 40 } }, { kind: 'forceTimeout', node: 1, at: { step: 12 } });
    expect(offScriptStep(lesson, s)).toBe(12);
  });
  it('a fault of the lesson dropped: off script from the start', () => {
    expect(offScriptStep(lesson, { ...lesson.scenario, faults: [] })).toBe(0);
  });
});

describe('evidence names the equivocator and shows both votes', () => {
  it('n1 equivocates: its two conflicting votes are found, and the event line says n1, not its index', async () => {
    const { s, events } = await eventsOf(lessonById('equivocation')!, 3000);
    const ev = events.find((e): e is Extract<ObsEvent, { type: 'Evidence' }> => e.type === 'Evidence')!;
    const votes = conflictingVotes(ev, events);
    expect(votes).toHaveLength(2);
    expect(new Set(votes.map((v) => v.vote.blockId.hash)).size).toBe(2);
    const frame = s.frame();
    const names = validatorNames(frame, frame.roundState, events);
    const who = (a: string) => names.find((v) => v.address === a)?.name ?? '?';
    expect(who(ev.validatorAddress)).toBe('n1');
    expect(eventLine(ev, who)).toContain(' n1 ');
    expect(eventLine(ev)).toMatch(/ v\d /); // the CLI's line is unchanged
  });
});

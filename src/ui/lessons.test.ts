// Every lesson does what its captions say: each caption's event happens, in order, within the
// first 30 virtual seconds, and the checkers agree with the lesson's point.
import { describe, expect, it } from 'vitest';
import { LESSONS } from './lessons.js';
import { captionIndexAt, captionMatches } from './captions.js';
import { ruleOf } from './rules.js';
import { ClassroomSession } from '../sim/session.js';
import { blockOf, blockIdShort } from '../observe/format.js';
import type { ObsEvent } from '../observe/model.js';

const block = (e: ObsEvent) => blockIdShort(blockOf(e)!);
const commitRound = (e: ObsEvent) => (e.type === 'NewBlock' ? e.commitRound : NaN);

describe('lessons', () => {
  it('there are at least eight', () => expect(LESSONS.length).toBeGreaterThanOrEqual(8));

  it.each(LESSONS.map((l) => [l.id, l] as const))('%s: every caption fires, in order', async (_id, lesson) => {
    const s = new ClassroomSession();
    await s.load(lesson.scenario);
    await s.advanceTo(30_000);
    const events = s.drain();
    const firedAt = lesson.captions.map((c) => events.findIndex((e) => captionMatches(c.on, e)));
    expect(firedAt.every((i) => i >= 0), `captions that never fired: ${lesson.captions.filter((_, i) => firedAt[i] < 0).map((c) => c.text.slice(0, 50)).join(' | ')}`).toBe(true);
    expect([...firedAt].sort((a, b) => a - b)).toEqual(firedAt);
    expect(captionIndexAt(lesson, events)).toBe(lesson.captions.length - 1);
    const unexplained = new Set(events.filter((e) => !ruleOf(e)).map((e) => `${e.type}/${e.step}`));
    expect([...unexplained], 'events the inspector has no rule for').toEqual([]);
    const agreement = s.frame().checks.find((c) => c.name === 'agreement')!;
    expect(agreement.ok).toBe(lesson.id !== 'byzantine-third');
  });
});

describe('lessons make their point', () => {
  async function run(id: string) {
    const s = new ClassroomSession();
    await s.load(LESSONS.find((l) => l.id === id)!.scenario);
    await s.advanceTo(30_000);
    return s.drain().filter((e) => e.node === 'n0');
  }

  it('lock-on-polka: the block locked in round 0 is the one committed, in round 1', async () => {
    const ev = await run('lock-on-polka');
    const lock = ev.find((e) => e.type === 'Lock' && e.height === 1)!;
    const commit = ev.find((e) => e.type === 'NewBlock' && e.height === 1)!;
    expect(lock.round).toBe(0);
    expect(block(commit)).toBe(block(lock));
    expect(commitRound(commit)).toBe(1);
  });

  it('nil-polka-keeps-lock: round 1 polka is nil, the lock stays, the locked block commits later', async () => {
    const ev = await run('nil-polka-keeps-lock');
    const lock = ev.find((e) => e.type === 'Lock' && e.height === 1)!;
    expect(block(ev.find((e) => e.type === 'Polka' && e.height === 1 && e.round === 1)!)).toBe('nil');
    const commit = ev.find((e) => e.type === 'NewBlock' && e.height === 1)!;
    expect(block(commit)).toBe(block(lock));
    expect(commitRound(commit)).toBeGreaterThanOrEqual(2);
  });

  it('pol-reproposal: round 1 proposal carries POLRound 0', async () => {
    const ev = await run('pol-reproposal');
    const p = ev.find((e) => e.type === 'ProposalAccepted' && e.round === 1)!;
    expect(p.type === 'ProposalAccepted' && p.proposal.polRound).toBe(0);
  });
});

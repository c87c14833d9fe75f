// The classroom session: seeking replays exactly; an action forks history and is itself replayable.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../core/scenario.js';
import { ClassroomSession } from './session.js';

const happy: Scenario = { validators: 4, seed: 1, timeouts: { timeoutCommit: 500 }, faults: [] };

async function hashAt(s: Scenario, t: number): Promise<{ hash: string; events: number; height: number }> {
  const session = new ClassroomSession();
  await session.load(s);
  await session.advanceTo(t);
  const f = session.frame();
  return { hash: f.logHash, events: session.drain().length, height: Math.min(...f.nodes.map((n) => n.committed)) };
}

describe('ClassroomSession', () => {
  it('seek back and forward restores the identical run', async () => {
    const session = new ClassroomSession();
    await session.load(happy);
    await session.advanceTo(6000);
    const at6 = session.frame();
    expect(Math.min(...at6.nodes.map((n) => n.committed))).toBeGreaterThanOrEqual(3);
    const back = await session.seek(2000);
    expect(back.every((e) => e.t <= 2000)).toBe(true);
    await session.advanceTo(6000);
    expect(session.frame().logHash).toBe(at6.logHash);
  });

  it('an action forks the history and the recorded scenario replays it exactly', async () => {
    const session = new ClassroomSession();
    await session.load(happy);
    await session.advanceTo(1500);
    const victim = session.frame().nodes[0].proposer;
    await session.act({ kind: 'crash', node: victim });
    await session.advanceTo(8000);
    const live = session.frame();
    expect(live.nodes[victim].up).toBe(false);
    const replay = await hashAt(session.scenario, 8000);
    expect(replay.hash).toBe(live.logHash);
    expect(replay.hash).not.toBe((await hashAt(happy, 8000)).hash);
  });

  it('single step produces at least one event', async () => {
    const session = new ClassroomSession();
    await session.load(happy);
    session.drain();
    await session.step();
    expect(session.drain().length).toBeGreaterThan(0);
  });
});

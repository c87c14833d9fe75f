// The classroom session: seeking replays exactly; an action forks history and is itself replayable.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../core/scenario.js';
import fc from 'fast-check';
import { propConfig } from '../../test/props.js';
import type { FaultSpec } from '../core/scenario.js';
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
    expect(back.every((e) => e.time - session.origin <= 2000)).toBe(true);
    await session.advanceTo(6000);
    expect(session.frame().logHash).toBe(at6.logHash);
  });

  it('an action forks the history and the recorded scenario replays it exactly', async () => {
    const session = new ClassroomSession();
    await session.load(happy);
    await session.advanceTo(1500);
    const f0 = session.frame();
    const victim = f0.nodes.find((n) => n.id === f0.nodes[0].proposer)!.index;
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

  it('forcing a timeout fires it now: the round moves on without waiting timeout_propose', async () => {
    const session = new ClassroomSession();
    await session.load(happy);
    const f0 = session.frame();
    const proposer = f0.nodes.find((n) => n.id === f0.nodes[0].proposer)!.index;
    await session.act({ kind: 'crash', node: proposer });
    await session.advanceTo(1000);
    const waiting = session.frame().nodes.filter((n) => n.up);
    expect(waiting.every((n) => n.step === 'RoundStepPropose')).toBe(true);
    session.drain();
    for (const n of waiting) await session.act({ kind: 'forceTimeout', node: n.index });
    await session.advanceTo(1001);
    const fired = session.drain().filter((e) => e.type === 'TimeoutPropose');
    expect(fired.map((e) => e.node).sort()).toEqual(waiting.map((n) => n.id).sort());
    expect(fired.every((e) => e.time - session.origin <= 1000)).toBe(true);
    // unforced, round 1 would start only at ~3.9 s (timeout_propose 3 s)
    await session.advanceTo(3000);
    const commits = session.drain().filter((e) => e.type === 'NewBlock' && e.height === 1);
    expect(commits.length).toBe(waiting.length);
    expect(commits.every((e) => e.round === 1)).toBe(true);
  });

  it('the frame lists the messages on the wire at that moment', async () => {
    const session = new ClassroomSession();
    await session.load({ ...happy, delay: [40, 60] });
    let seen = 0;
    for (let t = 500; t < 3000; t += 50) {
      await session.advanceTo(t);
      const f = session.frame();
      for (const m of f.inFlight) {
        expect(m.from).not.toBe(m.to);
        expect(m.sent).toBeLessThanOrEqual(f.t);
        expect(m.arrive).toBeGreaterThan(f.t);
        expect(m.arrive - m.sent).toBeLessThanOrEqual(60);
      }
      seen += f.inFlight.length;
      expect(new Set(f.inFlight.map((m) => m.kind)).has('unknown')).toBe(false);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('the frame gives each fault its span and the nodes it touched', async () => {
    const session = new ClassroomSession();
    await session.load({ ...happy, faults: [{ kind: 'partition', groups: [[0, 1], [2, 3]], at: { time: 500 }, duration: 2000 }] });
    await session.advanceTo(1000);
    await session.act({ kind: 'crash', node: 3 });
    const crashedAt = session.frame().faults.find((f) => f.kind === 'crash')!.from;
    expect(crashedAt).toBeLessThanOrEqual(1000);
    await session.advanceTo(4000);
    await session.act({ kind: 'restart', node: 3 });
    const faults = session.frame().faults;
    const partition = faults.find((f) => f.kind === 'partition')!;
    expect(partition.nodes).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(partition.to! - partition.from).toBe(2000);
    expect(partition.from).toBeGreaterThanOrEqual(500);
    const crash = faults.find((f) => f.kind === 'crash')!;
    expect(crash).toMatchObject({ nodes: ['n3'], from: crashedAt });
    expect(crash.to).toBeGreaterThan(crashedAt);
    expect(crash.to).toBeLessThanOrEqual(4000);
    expect(session.frame().nodes[3].faults).toEqual([]);
  });

  it('property: any actions taken live replay to the identical event log from the recorded scenario', async () => {
    const node = fc.integer({ min: 0, max: 3 });
    const action = fc.oneof(
      fc.record({ kind: fc.constant('crash' as const), node }),
      fc.record({ kind: fc.constant('restart' as const), node }),
      fc.record({ kind: fc.constant('forceTimeout' as const), node }),
      fc.record({ kind: fc.constant('silence' as const), node, duration: fc.integer({ min: 100, max: 3000 }) }),
      fc.record({ kind: fc.constant('equivocateVotes' as const), node }),
      fc.record({ kind: fc.constant('nilPrecommit' as const), node, duration: fc.integer({ min: 100, max: 3000 }) }),
      fc.record({ kind: fc.constant('partition' as const), groups: fc.constant([[0, 1], [2, 3]]), duration: fc.integer({ min: 100, max: 3000 }) }),
      fc.record({ kind: fc.constant('delay' as const), to: node, delayMin: fc.constant(200), delayMax: fc.constant(600), dropRate: fc.double({ min: 0, max: 0.5, noNaN: true }), duration: fc.integer({ min: 100, max: 3000 }) }),
    ) as fc.Arbitrary<FaultSpec>;
    const timeline = fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), action), { maxLength: 6 }).map((xs) => xs.sort((a, b) => a[0] - b[0]));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), timeline, async (seed, actions) => {
        const live = new ClassroomSession();
        await live.load({ ...happy, seed });
        for (const [t, a] of actions) {
          await live.advanceTo(t);
          await live.act(a);
        }
        await live.advanceTo(7000);
        const replay = new ClassroomSession();
        await replay.load(live.scenario);
        await replay.advanceTo(7000);
        expect(replay.frame().logHash, JSON.stringify({ seed, actions })).toBe(live.frame().logHash);
        await live.seek(7000);
        expect(live.frame().logHash).toBe(replay.frame().logHash);
      }),
      propConfig(10),
    );
  }, 120_000);
});


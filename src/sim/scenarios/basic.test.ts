// Deterministic simulation scenarios (issue: state-machine scenarios that need no gossip).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propConfig } from '../../../test/props.js';
import { expectHealthy, simulate, withSeed } from './run.test-util.js';
import { genesisState } from '../../core/state/genesis.js';
import { bytesEqual } from '../../core/bytes.js';
import type { SimOptions, Simulation } from '../simulation.js';

const FAST = { timeoutCommit: 200 };

/** Node index proposing at (height, round) of a run without validator changes. */
function proposerOf(sim: Simulation, height: number, round: number): number {
  let set = genesisState(sim.genesis).validators.copy();
  for (let h = 1; h < height; h++) set = set.copyIncrementProposerPriority(1);
  if (round > 0) set.incrementProposerPriority(round);
  return sim.nodes.findIndex((n) => bytesEqual(n.address, set.getProposer()!.address));
}

// Every scenario runs over direct delivery and over the gossip reactor on a full mesh and a ring.
const TRANSPORTS: [string, SimOptions['transport']][] = [
  ['direct delivery', 'direct'],
  ['gossip, full mesh', { kind: 'full' }],
  ['gossip, ring', { kind: 'ring' }],
];

describe.each(TRANSPORTS)('simulation over %s', (_name, transport) => {
  it('happy path: 4 validators commit 5 heights, each in round 0, with full LastCommits', async () => {
    const { sim, res } = await simulate({ transport, validators: 4, heights: 5, seed: 1, config: FAST });
    expectHealthy(res);
    withSeed(res, () => {
      expect(res.heights).toBeGreaterThanOrEqual(5);
      expect(Object.values(res.commitRounds).every((r) => r === 0)).toBe(true);
      const b3 = sim.nodes[0].blockStore.loadBlock(3)!;
      expect(b3.lastCommit!.signatures.filter((s) => s.blockIdFlag === 2).length).toBeGreaterThanOrEqual(3);
      // every node locked on what it committed at height 1
      const locks = sim.events.filter((e) => e.event.type === 'Lock' && e.event.height === 1);
      expect(locks.length).toBe(4);
    });
  });

  it('same seed, same run: the event log is bit-identical; another seed differs', async () => {
    const a = await simulate({ transport, validators: 4, heights: 3, seed: 42, config: FAST, txsPerHeight: 2 });
    const b = await simulate({ transport, validators: 4, heights: 3, seed: 42, config: FAST, txsPerHeight: 2 });
    const c = await simulate({ transport, validators: 4, heights: 3, seed: 43, config: FAST, txsPerHeight: 2 });
    expect(a.res.eventLogHash).toBe(b.res.eventLogHash);
    expect(c.res.eventLogHash).not.toBe(a.res.eventLogHash);
  });

  it('B proposer crash → round change: height 2 commits in a later round', async () => {
    const probe = await simulate({ transport, validators: 4, heights: 1, seed: 7, config: FAST });
    const victim = proposerOf(probe.sim, 2, 0);
    const { res } = await simulate({ transport, validators: 4, heights: 4, seed: 7, config: FAST, faults: [{ kind: 'crash', node: victim, at: { height: 2 } }] });
    expectHealthy(res);
    withSeed(res, () => {
      expect(res.commitRounds[2]).toBeGreaterThanOrEqual(1);
      expect(res.heights).toBeGreaterThanOrEqual(4);
    });
  });

  it('B crash and restart of a non-proposer: it recovers from its stores and WAL without double signing', async () => {
    const { sim, res } = await simulate({
      validators: 4, heights: 4, seed: 11, config: FAST,
      faults: [{ kind: 'crash', node: 3, at: { height: 2 }, restartAfter: 100 }],
    });
    expect(res.checks.noDoubleSign.ok).toBe(true);
    expect(res.checks.agreement.ok).toBe(true);
    expect(sim.nodes[3].crashes).toBe(1);
  });

  it('B partition 2|2 halts progress; healing restores it', async () => {
    const { res } = await simulate({
      validators: 4, heights: 4, seed: 5, config: FAST,
      faults: [{ kind: 'partition', groups: [[0, 1], [2, 3]], at: { height: 2 }, duration: 20_000 }],
    });
    expectHealthy(res);
    withSeed(res, () => {
      expect(res.heights).toBeGreaterThanOrEqual(4);
      expect(res.commitRounds[2]).toBeGreaterThanOrEqual(1); // no quorum until the heal
    });
  });

  it('A equivocating proposer (1 of 4): correct nodes agree and collect evidence of nothing false', async () => {
    const probe = await simulate({ transport, validators: 4, heights: 1, seed: 3, config: FAST });
    const byz = proposerOf(probe.sim, 2, 0);
    const { res } = await simulate({ transport, validators: 4, heights: 4, seed: 3, config: FAST, faults: [{ kind: 'equivocateProposal', node: byz, at: { height: 2 } }] });
    expectHealthy(res);
  });

  it('A equivocating votes (1 of 4) are caught as DuplicateVoteEvidence; safety holds', async () => {
    const { sim, res } = await simulate({ transport, validators: 4, heights: 4, seed: 9, config: FAST, faults: [{ kind: 'equivocateVotes', node: 1 }] });
    expectHealthy(res);
    withSeed(res, () => {
      const ev = sim.events.filter((e) => e.event.type === 'Evidence');
      expect(ev.length).toBeGreaterThan(0);
    });
  });

  it('A amnesia and forced nil precommits (1 of 4 each) do not break safety', async () => {
    const { res } = await simulate({ transport, validators: 4, heights: 4, seed: 21, config: FAST, faults: [{ kind: 'amnesia', node: 2 }] });
    expectHealthy(res);
    const r2 = await simulate({ transport, validators: 4, heights: 4, seed: 22, config: FAST, faults: [{ kind: 'nilPrecommit', node: 0 }] });
    expectHealthy(r2.res);
  });

  it('B random delays and drops (property): safety always, liveness once the network is reliable', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 5, max: 400 }), fc.double({ min: 0, max: 0.3, noNaN: true }), async (seed, maxDelay, drop) => {
        const { res } = await simulate({
          validators: 4, heights: 3, seed, config: FAST,
          faults: [{ kind: 'delay', delayMin: 1, delayMax: maxDelay, dropRate: drop, duration: 10_000 }],
        });
        expect(res.checks.agreement.ok && res.checks.noDoubleSign.ok && res.checks.validity.ok, `seed ${seed}: ${res.replay}`).toBe(true);
      }),
      propConfig(8),
    );
  });
});

describe('harness self-checks', () => {
  it('J negative control: more than 1/3 Byzantine power breaks agreement and the checker says so', async () => {
    const { res } = await simulate({
      transport: 'direct', // each half hears only its own story: nobody relays the other
      validators: 4, heights: 3, seed: 1, config: FAST, maxTime: 120_000,
      faults: [
        { kind: 'equivocateProposal', node: 0 }, { kind: 'equivocateVotes', node: 0 },
        { kind: 'equivocateProposal', node: 1 }, { kind: 'equivocateVotes', node: 1 },
      ],
    });
    expect(res.checks.agreement.ok).toBe(false);
    expect(res.checks.agreement.details.join()).toMatch(/height \d+/);
  });
});

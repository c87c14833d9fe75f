// Regressions from trying to break it (issue 10): each case here once halted or fooled a run.
import { describe, expect, it } from 'vitest';
import { expectHealthy, simulate, withSeed } from './run.test-util.js';
import type { SimOptions } from '../simulation.js';

const TRANSPORTS: [string, SimOptions['transport']][] = [
  ['direct delivery', 'direct'],
  ['gossip, full mesh', { kind: 'full' }],
];

describe.each(TRANSPORTS)('over %s', (_name, transport) => {
  it('defect 1: a Byzantine proposer with an invalid UTF-8 transaction (6b 3d f4 90 80 80) halts nobody; its blocks are prevoted nil', async () => {
    const { sim, res } = await simulate({
      transport,
      validators: 4,
      heights: 6,
      seed: 3,
      config: { timeoutCommit: 100 },
      faults: [{ kind: 'proposeTxs', node: 0, txs: ['6b3df4908080'] }],
    });
    expectHealthy(res);
    withSeed(res, () => {
      for (const i of [1, 2, 3]) {
        expect(sim.nodes[i].node?.failure ?? null).toBeNull();
        expect(sim.committedHeight(i)).toBeGreaterThanOrEqual(6);
      }
      // n0 proposed at least once and every such block was refused by ProcessProposal
      const refused = sim.events.filter((e) => e.event.type === 'Rejected' && e.event.what === 'proposal');
      expect(refused.length).toBeGreaterThan(0);
      for (let h = 1; h <= 6; h++) expect(sim.nodes[1].blockStore.loadBlock(h)!.data.txs).toHaveLength(0);
    });
  });
});

it('defect 2: a node in Commit whose block part was lost on a lossy link gets it again (seed 1988918096)', async () => {
  const { sim, res } = await simulate({
    validators: 4,
    heights: 4,
    seed: 1988918096,
    transport: { kind: 'full' },
    link: { delayMin: 10, delayMax: 50 },
    config: { timeoutCommit: 100 },
    faults: [{ kind: 'delay', to: 0, delayMin: 7, delayMax: 300, dropRate: 0.49999999999999906, at: { height: 3 }, duration: 4998 }],
  });
  expectHealthy(res);
  // n0 used to stay in Commit at height 6 while the others went on
  withSeed(res, () => expect(sim.committedHeight(0)).toBeGreaterThanOrEqual(6));
});

it('defect 6: the negative control (2 of 4 equivocating, colluding on one story per half) trips the agreement checker under full-mesh gossip too', async () => {
  const equivocate = (node: number) => [{ kind: 'equivocateProposal' as const, node }, { kind: 'equivocateVotes' as const, node }];
  const { res } = await simulate({ validators: 4, heights: 3, seed: 1, transport: { kind: 'full' }, config: { timeoutCommit: 200 }, maxTime: 30_000, faults: [...equivocate(0), ...equivocate(1)] });
  expect(res.checks.agreement.ok, res.replay).toBe(false);
  expect(res.checks.agreement.details.join()).toMatch(/height 1: \w+ by n2 vs \w+ by n3/);
  expect(res.ok).toBe(false);
});

describe('defect 6: results that mislead', () => {
  it('every validator crashed for good: 0 heights, and liveness fails', async () => {
    const faults = [0, 1, 2, 3].map((node) => ({ kind: 'crash' as const, node, at: { height: 2 } }));
    const { res } = await simulate({ validators: 4, heights: 5, seed: 1, config: { timeoutCommit: 100 }, faults, maxTime: 20_000 });
    expect(res.heights).toBe(0);
    expect(res.checks.liveness).toEqual({ ok: false, details: ['no correct validator is running at the end of the run'] });
    expect(res.ok).toBe(false);
  });

  it('a run that does not reach its goal fails', async () => {
    // two of four crashed for good: no +2/3, nobody reaches height 5
    const faults = [0, 1].map((node) => ({ kind: 'crash' as const, node, at: { height: 2 } }));
    const { res } = await simulate({ transport: 'direct', validators: 4, heights: 5, seed: 1, config: { timeoutCommit: 100 }, faults, maxTime: 20_000 });
    expect(res.ok).toBe(false);
    expect(res.checks.liveness.details.join('\n')).toMatch(/n2 reached height \d of the goal 5/);
  });

  it('a correct node left far behind the head fails liveness even though it committed after the heal', async () => {
    const { sim, res } = await simulate({ validators: 4, heights: 3, seed: 2, config: { timeoutCommit: 50 }, keepEvents: false, maxTime: 30_000 });
    expect(res.ok, res.replay).toBe(true);
    // freeze what n3 has as if it had stopped catching up: the others go 10 heights further
    const { checkLiveness } = await import('../checkers.js');
    const stuck = Object.create(sim, { committedHeight: { value: (i: number) => (i === 3 ? 3 : 13) } });
    expect(checkLiveness(stuck).details.join()).toMatch(/n3 is 10 heights behind the head \(13\); at most 2 allowed/);
  });
});

it('found by the soak: on a ring of 4 with a Byzantine node, votes lost on a lossy link no longer stall a node for good (seed 2147483640)', async () => {
  const { res } = await simulate({
    validators: 4,
    heights: 4,
    seed: 2147483640,
    transport: { kind: 'regular', degree: 2 },
    config: { timeoutCommit: 100 },
    maxTime: 120_000,
    faults: [
      { kind: 'equivocateVotes', node: 2 },
      { kind: 'amnesia', node: 2 },
      { kind: 'nilPrecommit', node: 2 },
      { kind: 'delay', to: 0, delayMin: 292, delayMax: 861, dropRate: 0.4999999999999999, at: { time: 1238 }, duration: 2230 },
      { kind: 'forceTimeout', node: 3, at: { time: 9 } },
    ],
  });
  expectHealthy(res);
});

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

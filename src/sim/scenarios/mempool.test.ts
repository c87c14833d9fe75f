// Mempool gossip on 0x30 in the simulator: txs submitted at one node reach the proposers through
// the mempool reactor, and every node commits each of them exactly once.
import { describe, expect, it } from 'vitest';
import { expectHealthy, withSeed } from './run.test-util.js';
import { Simulation } from '../simulation.js';
import type { Topology } from '../topology.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

const TOPOLOGIES: [string, Topology][] = [
  ['a full mesh', { kind: 'full' }],
  // node 0 and node 2 are not neighbours: txs are relayed
  ['a ring', { kind: 'ring' }],
];

describe.each(TOPOLOGIES)('mempool gossip (channel 0x30) on %s', (_name, transport) => {
  it('4 validators: txs submitted to node 0 are committed by all, none twice', async () => {
    const sim = new Simulation({ validators: 4, heights: 8, seed: 7, config: { timeoutCommit: 200 }, transport });
    await sim.init();
    const want = new Set<string>();
    // two batches: one at the start, one a few heights in (so more than one proposer reaps them)
    for (let i = 0; i < 30; i++) {
      const tx = `k${i}=v${i}`;
      expect(sim.nodes[0].node!.submitTx(utf8(tx))).toBeNull();
      want.add(tx);
    }
    while (sim.committedHeight(0) < 3) expect(await sim.advance()).toBe(true);
    for (let i = 30; i < 60; i++) {
      const tx = `k${i}=v${i}`;
      expect(sim.nodes[0].node!.submitTx(utf8(tx))).toBeNull();
      want.add(tx);
    }
    await sim.runToGoal();
    sim.stop();
    const res = sim.result();
    expectHealthy(res);
    withSeed(res, () => {
      expect(sim.network.stats.deliveredByKind['Txs']).toBeGreaterThan(0);
      const proposers = new Set<string>();
      for (const sn of sim.nodes) {
        const seen = new Map<string, number>();
        for (let h = 1; h <= sn.blockStore.height(); h++) {
          const block = sn.blockStore.loadBlock(h)!;
          if (block.data.txs.length > 0) proposers.add(Buffer.from(block.header.proposerAddress).toString('hex'));
          for (const tx of block.data.txs) seen.set(dec(tx), (seen.get(dec(tx)) ?? 0) + 1);
        }
        expect([...seen.keys()].sort()).toEqual([...want].sort());
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
        // and nothing is left behind in any mempool
        expect(sn.node!.mempool.size).toBe(0);
      }
      // gossip, not node 0 alone: some other validator proposed a block with our txs
      expect([...proposers].some((p) => p !== Buffer.from(sim.nodes[0].address).toString('hex'))).toBe(true);
    });
  });
});

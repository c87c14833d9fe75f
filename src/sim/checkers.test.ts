// The VALID oracle replays each distinct chain once: a node that shares the others' blocks reuses
// their replay, and one that stores something else is still judged on its own.
import { describe, expect, it } from 'vitest';
import type { Block, BlockID } from '../core/types.js';
import { blockHash } from '../core/state/execution.js';
import { Simulation } from './simulation.js';
import { checkValidity } from './checkers.js';
import type { CheckedRun } from './sim-node.js';

async function finished(): Promise<Simulation> {
  const sim = new Simulation({ validators: 4, heights: 3, seed: 3, transport: 'direct', config: { timeoutCommit: 0 }, link: { delayMin: 0, delayMax: 0 } });
  await sim.run();
  return sim;
}

/** The run as the checker sees it, node `i`'s store giving `block` (and `blockId`, if given) at height `h`. */
function storing(run: CheckedRun, i: number, h: number, block: Block, blockId?: BlockID): CheckedRun {
  const store = run.nodes[i].blockStore;
  const swapped = Object.assign(Object.create(store), {
    loadBlock: (x: number) => (x === h ? block : store.loadBlock(x)),
    loadBlockMeta: (x: number) => (x === h && blockId ? { ...store.loadBlockMeta(x)!, blockId } : store.loadBlockMeta(x)),
  });
  return Object.assign(Object.create(run), { nodes: run.nodes.map((sn, k) => (k === i ? { ...sn, blockStore: swapped } : sn)) });
}

describe('checkValidity', () => {
  it('passes a run whose nodes share one valid chain', async () => {
    expect(checkValidity(await finished())).toEqual({ ok: true, details: [] });
  });

  it('judges a node on a fork by its own replay, and one whose block does not hash to its BlockID; the others pass', async () => {
    const sim = await finished();
    const [a, b] = [sim.nodes[1], sim.nodes[2]];
    const block = a.blockStore.loadBlock(2)!;
    const forked: Block = { ...block, header: { ...block.header, appHash: new Uint8Array(32).fill(7) } };
    const forkId = { ...a.blockStore.loadBlockMeta(2)!.blockId, hash: blockHash(forked) };
    // b: a fork at height 2 (its own BlockID); a: a changed block under the BlockID everyone replayed
    const run = storing(storing(sim, 2, 2, forked, forkId), 1, 2, forked);
    const { ok, details } = checkValidity(run);
    expect(ok).toBe(false);
    expect(details).toHaveLength(2);
    expect(details[0]).toBe(`${a.name} block 2: the stored block does not hash to its BlockID`);
    expect(details[1]).toMatch(new RegExp(`^${b.name} block 2: .*app ?hash`, 'i'));
  });
});

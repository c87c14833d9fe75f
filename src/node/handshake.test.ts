// The Handshaker (spec §11.2): a restarted app is brought to the stores' height, a block saved but
// not applied is applied, and stores that cannot be reconciled stop the node with a typed error.
import { describe, expect, it } from 'vitest';
import { handshake, HandshakeError } from './handshake.js';
import { MemoryBlockStore, MemoryStateStore } from './memory-stores.js';
import { KVStoreApp } from '../core/app/kvstore.js';
import { applyBlock } from '../core/state/execution.js';
import { genesisState } from '../core/state/genesis.js';
import { PartSet } from '../core/blocks/part-set.js';
import { toHex } from '../core/bytes.js';
import { Simulation } from '../sim/simulation.js';

/** A chain of 3 heights with transactions, from a one-validator simulation. */
async function chain() {
  const sim = new Simulation({ validators: 1, seed: 2, heights: 3, txsPerHeight: 2, config: { timeoutCommit: 10 } });
  await sim.run();
  const sn = sim.nodes[0];
  return { genesis: sim.genesis, blocks: sn.blockStore, final: sn.stateStore.load()! };
}

/** The first `n` blocks of a block store, copied into a new one. */
async function firstBlocks(src: MemoryBlockStore, n: number): Promise<MemoryBlockStore> {
  const out = new MemoryBlockStore();
  for (let h = 1; h <= n; h++) {
    const meta = src.loadBlockMeta(h)!;
    const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
    for (let i = 0; i < meta.numParts; i++) parts.addPart(src.loadBlockPart(h, i)!);
    await out.saveBlock(src.loadBlock(h)!, parts, src.loadSeenCommit(h)!);
  }
  return out;
}

describe('handshake', () => {
  it('a fresh node starts from genesis and the app is initialised', async () => {
    const { genesis } = await chain();
    const app = new KVStoreApp();
    const state = await handshake(app, genesis, new MemoryBlockStore(), new MemoryStateStore());
    expect(state.lastBlockHeight).toBe(0);
    expect(state.chainId).toBe(genesis.chainId);
  });

  it('a restarted app replays the stored blocks and reaches the state’s app hash', async () => {
    const { genesis, blocks, final } = await chain();
    const stateStore = new MemoryStateStore();
    await stateStore.save(final);
    const app = new KVStoreApp();
    const state = await handshake(app, genesis, blocks, stateStore);
    expect(state.lastBlockHeight).toBe(final.lastBlockHeight);
    expect(app.info().lastBlockHeight).toBe(final.lastBlockHeight);
    expect(toHex(app.info().lastBlockAppHash)).toBe(toHex(final.appHash));
  });

  it('a block saved but not applied (a crash between saveBlock and saveState) is applied and the state saved', async () => {
    const { genesis, blocks, final } = await chain();
    const top = final.lastBlockHeight;
    // the state as it was one block earlier
    const scratch = new KVStoreApp();
    await handshake(scratch, genesis, new MemoryBlockStore(), new MemoryStateStore());
    let state = genesisState(genesis);
    for (let h = 1; h < top; h++) state = applyBlock(state, blocks.loadBlockMeta(h)!.blockId, blocks.loadBlock(h)!, scratch).state;
    const stateStore = new MemoryStateStore();
    await stateStore.save(state);
    const app = new KVStoreApp();
    const after = await handshake(app, genesis, blocks, stateStore);
    expect(after.lastBlockHeight).toBe(top);
    expect(toHex(after.appHash)).toBe(toHex(final.appHash));
    expect(stateStore.load()!.lastBlockHeight).toBe(top);
  });

  it('stores that disagree stop the node with a typed error', async () => {
    const { genesis, blocks, final } = await chain();
    const behind = new MemoryStateStore();
    await behind.save(final);
    const err = await handshake(new KVStoreApp(), genesis, await firstBlocks(blocks, 1), behind).catch((e) => e);
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err.code).toBe('ErrStateHeightTooHigh');

    const empty = await handshake(new KVStoreApp(), genesis, blocks, new MemoryStateStore()).catch((e) => e);
    expect(empty.code).toBe('ErrBlockStoreTooHigh');

    // an app ahead of the chain, and an app at the chain's height with a different history
    const stateStore = new MemoryStateStore();
    await stateStore.save(final);
    const rogue = (heights: number) => {
      const app = new KVStoreApp();
      for (let h = 1; h <= heights; h++) {
        app.finalizeBlock({ txs: [new TextEncoder().encode(`rogue=${h}`)], height: h });
        app.commit();
      }
      return app;
    };
    const ahead = await handshake(rogue(final.lastBlockHeight + 1), genesis, blocks, stateStore).catch((e) => e);
    expect(ahead.code).toBe('ErrAppBlockHeightTooHigh');
    const forked = await handshake(rogue(final.lastBlockHeight), genesis, blocks, stateStore).catch((e) => e);
    expect(forked).toBeInstanceOf(HandshakeError);
    expect(forked.code).toBe('ErrAppHashMismatch');
  });
});

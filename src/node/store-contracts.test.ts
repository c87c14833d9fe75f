// The storage contracts against the in-memory and Node file backends (IndexedDB: e2e/idb-stores).
import { beforeAll, describe, it } from 'vitest';
import { tempDirs } from '../../test/tmp.js';
import { join } from 'node:path';
import type { SavedBlock } from './store-contracts.js';
import { blockStoreContract, privValidatorStateContract, stateStoreContract, walContract } from './store-contracts.js';
import { MemoryBlockStore, MemoryStateStore, MemoryWAL } from './memory-stores.js';
import { MemoryPrivValidatorStateStore } from './priv-validator.js';
import { FileWAL } from '../platform/node/file-wal.js';
import { FileBlockStore, FilePrivValidatorStateStore, FileStateStore } from '../platform/node/file-stores.js';
import type { ChainState } from '../core/state/chain-state.js';
import { Simulation } from '../sim/simulation.js';
import { PartSet } from '../core/blocks/part-set.js';

const tmp = tempDirs('prevote-contract-');

/** A simulated chain's blocks and final state, the contracts' material. */
let chain: SavedBlock[] = [];
let state: ChainState;
beforeAll(async () => {
  const sim = new Simulation({ validators: 4, heights: 5, seed: 8, config: { timeoutCommit: 100 }, txsPerHeight: 2 });
  await sim.run();
  const src = sim.nodes[0].blockStore;
  chain = Array.from({ length: src.height() }, (_, i) => {
    const h = i + 1;
    const meta = src.loadBlockMeta(h)!;
    const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
    for (let p = 0; p < meta.numParts; p++) parts.addPart(src.loadBlockPart(h, p)!);
    return { block: src.loadBlock(h)!, parts, seenCommit: src.loadSeenCommit(h)! };
  });
  state = sim.nodes[0].stateStore.load()!;
}, 60_000);

describe('storage contracts', () => {
  it('WAL: memory', async () => {
    const wal = new MemoryWAL();
    await walContract(async () => wal);
  });
  it('WAL: Node file', async () => {
    const path = join(tmp(), 'wal');
    await walContract(() => FileWAL.open(path));
  });
  it('PrivValidator state: memory', async () => {
    const store = new MemoryPrivValidatorStateStore();
    await privValidatorStateContract(async () => store);
  });
  it('PrivValidator state: Node file', async () => {
    const path = join(tmp(), 'priv_validator_state.json');
    await privValidatorStateContract(async () => new FilePrivValidatorStateStore(path));
  });
  it('BlockStore: memory', async () => {
    const store = new MemoryBlockStore();
    await blockStoreContract(async () => store, chain);
  });
  it('BlockStore: Node file (a cache of 2 blocks: most reads go to the disk)', async () => {
    const dir = tmp();
    await blockStoreContract(() => FileBlockStore.open(dir, 2), chain);
    const s = await FileBlockStore.open(dir, 2);
    for (let h = 1; h <= s.height(); h++) s.loadBlock(h);
    if (s.cachedHeights().length > 2) throw new Error('the block cache grew beyond its bound');
  });
  it('StateStore: memory', async () => {
    const store = new MemoryStateStore();
    await stateStoreContract(async () => store, state);
  });
  it('StateStore: Node file', async () => {
    const dir = tmp();
    await stateStoreContract(() => FileStateStore.open(dir), state);
  });
});

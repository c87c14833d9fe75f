// LevelDB stores: the storage contracts, plus what a long-running block-sync server needs —
// every height after a reopen, a bounded cache, validators by height, lookups by hash, typed
// errors for damaged values and for a database another process holds.
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../../test/tmp.js';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { SavedBlock } from '../../node/store-contracts.js';
import { blockStoreContract, stateStoreContract } from '../../node/store-contracts.js';
import type { ChainState } from '../../core/state/chain-state.js';
import { copyChainState } from '../../core/state/chain-state.js';
import { chainStateToJson } from '../../core/state/chain-state-json.js';
import { blockHash, makeBlockParts } from '../../core/state/execution.js';
import { PartSet } from '../../core/blocks/part-set.js';
import { Simulation } from '../../sim/simulation.js';
import { LevelBlockStore, LevelStateStore, StoreError, readStoredState } from './level-stores.js';

const tmp = tempDirs('prevote-level-');

/** `open` for the contracts: LevelDB holds a LOCK, so the previous instance is closed first. */
function reopener<T extends { close(): Promise<void> }>(open: () => Promise<T>): () => Promise<T> {
  let current: T | null = null;
  return async () => {
    await current?.close();
    return (current = await open());
  };
}

/** Writes a raw value over a key, as a damaged disk or a foreign writer would. */
async function poke(path: string, key: string, value: Uint8Array): Promise<void> {
  const db = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  await db.put(key, value);
  await db.close();
}

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

/** 120 heights: the simulated blocks relabelled (the store checks continuity, not consensus). */
function longChain(n: number): SavedBlock[] {
  return Array.from({ length: n }, (_, i) => {
    const src = chain[i % chain.length];
    const block = { ...src.block, header: { ...src.block.header, height: i + 1 } };
    return { block, parts: makeBlockParts(block).parts, seenCommit: { ...src.seenCommit, height: i + 1 } };
  });
}

describe('LevelDB stores', () => {
  it('BlockStore contract (a cache of 2 blocks: most reads go to LevelDB)', async () => {
    const dir = tmp();
    const open = reopener(() => LevelBlockStore.open(dir, 2));
    await blockStoreContract(open, chain);
    await (await open()).close();
  });

  it('StateStore contract', async () => {
    const dir = tmp();
    const open = reopener(() => LevelStateStore.open(dir));
    await stateStoreContract(open, state);
    await (await open()).close();
  });

  it('a reopened store serves every one of 120 heights; the decoded-block cache stays bounded', async () => {
    const dir = tmp();
    const blocks = longChain(120);
    let s = await LevelBlockStore.open(dir, 8);
    for (const b of blocks) await s.saveBlock(b.block, b.parts, b.seenCommit);
    expect(s.cachedHeights().length).toBeLessThanOrEqual(8);
    await s.close();
    s = await LevelBlockStore.open(dir, 8);
    expect([s.base(), s.height()]).toEqual([1, 120]);
    for (const [i, b] of blocks.entries()) {
      const h = i + 1;
      expect(s.loadBlock(h)).toEqual(b.block);
      expect(s.loadBlockMeta(h)?.blockId.hash).toEqual(blockHash(b.block));
      expect(s.loadBlockPart(h, 0)?.bytes).toEqual(b.parts.getPart(0)!.bytes);
      expect(s.loadSeenCommit(h)?.height).toBe(h);
      expect(s.cachedHeights().length).toBeLessThanOrEqual(8);
    }
    expect(s.cachedHeights()).toEqual([113, 114, 115, 116, 117, 118, 119, 120]);
    await s.close();
  });

  it('looks a block and its meta up by hash', async () => {
    const s = await LevelBlockStore.open(tmp(), 1);
    for (const b of chain) await s.saveBlock(b.block, b.parts, b.seenCommit);
    for (const [i, b] of chain.entries()) {
      expect(s.loadBlockMetaByHash(blockHash(b.block))?.height).toBe(i + 1);
      expect(s.loadBlockByHash(blockHash(b.block))).toEqual(b.block);
    }
    expect(s.loadBlockByHash(new Uint8Array(32).fill(9))).toBeNull();
    expect(s.loadBlockMetaByHash(new Uint8Array(32).fill(9))).toBeNull();
    await s.close();
  });

  it('saves the validator sets by height and the FinalizeBlock response; they survive a reopen', async () => {
    const dir = tmp();
    const H = state.lastBlockHeight;
    const response = { txResults: [{ code: 0, log: 'ok' }, { code: 2, log: 'bad nonce' }], validatorUpdates: [{ pubKey: new Uint8Array(32).fill(3), power: 10n }], appHash: state.appHash };
    let s = await LevelStateStore.open(dir);
    await s.save(state, response);
    const later = copyChainState(state);
    later.lastBlockHeight = H + 1;
    later.validators = state.nextValidators.copy();
    later.nextValidators = state.nextValidators.copy();
    later.nextValidators.incrementProposerPriority(1);
    await s.save(later, { ...response, txResults: [] });
    await s.close();
    s = await LevelStateStore.open(dir);
    const same = (a: ReturnType<LevelStateStore['loadValidators']>, b: typeof state.validators) => {
      expect(a?.validators).toEqual(b.validators);
      expect(a?.getProposer().address).toEqual(b.getProposer().address);
    };
    same(s.loadValidators(H + 1), state.validators);
    same(s.loadValidators(H + 2), later.validators);
    same(s.loadValidators(H + 3), later.nextValidators);
    expect(s.loadValidators(H + 4)).toBeNull();
    expect(s.loadFinalizeBlockResponse(H)).toEqual(response);
    expect(s.loadFinalizeBlockResponse(H + 1)?.txResults).toEqual([]);
    await s.close();
  });

  it('a damaged value is a StoreError naming the key and the database', async () => {
    const dir = tmp();
    const blocks = await LevelBlockStore.open(dir, 1);
    for (const b of chain) await blocks.saveBlock(b.block, b.parts, b.seenCommit);
    await blocks.close();
    const blockDb = join(dir, 'blockstore.db');
    await poke(blockDb, 'H:2', new Uint8Array([0x0a, 0x50, 1])); // a field running past the end
    await poke(blockDb, 'P:3:0', new Uint8Array([0xff]));
    const s = await LevelBlockStore.open(dir, 1);
    expect(() => s.loadBlockMeta(2)).toThrow(StoreError);
    expect(() => s.loadBlockMeta(2)).toThrow(`${blockDb}: key "H:2" holds an undecodable value`);
    expect(() => s.loadBlock(3)).toThrow(/key "P:3:0"/);
    expect(s.loadBlock(1)).toEqual(chain[0].block); // the rest still reads
    await s.close();
    await poke(blockDb, 'blockStore', new Uint8Array([8, 5, 16, 2])); // base 5 > height 2
    await expect(LevelBlockStore.open(dir)).rejects.toThrow(/key "blockStore"/);

    const states = await LevelStateStore.open(dir);
    await states.save(state, { txResults: [], validatorUpdates: [], appHash: state.appHash });
    await states.close();
    const stateDb = join(dir, 'state.db');
    await poke(stateDb, 'validatorsKey:99', new TextEncoder().encode('{"validators":[{"address":"zz"}]}'));
    const again = await LevelStateStore.open(dir);
    const err = (() => {
      try {
        again.loadValidators(99);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'ErrStoreCorrupted', where: { db: stateDb, key: 'validatorsKey:99' } });
    await again.close();
    await poke(stateDb, 'stateKey', new TextEncoder().encode('{"version":1,"chainId":7}'));
    await expect(LevelStateStore.open(dir)).rejects.toMatchObject({ code: 'ErrStoreCorrupted', where: { key: 'stateKey' } });
    await expect(readStoredState(dir)).rejects.toThrow(`${stateDb}: key "stateKey"`);
    // a failed open releases the LOCK: the database can be repaired and opened
    await poke(stateDb, 'stateKey', new TextEncoder().encode(chainStateToJson(state)));
    expect((await readStoredState(dir))?.chainId).toBe(state.chainId);
  });

  it('a database held by another opener is refused with a clear "in use" error', async () => {
    const dir = tmp();
    const a = await LevelBlockStore.open(dir);
    const e = await LevelBlockStore.open(dir).catch((e: unknown) => e);
    expect(e).toBeInstanceOf(StoreError);
    expect(e).toMatchObject({ code: 'ErrStoreLocked', message: `${join(dir, 'blockstore.db')} is in use by another process (stop the node using it first)` });
    await a.close();
    const b = await LevelBlockStore.open(dir); // released on close
    await b.close();

    const st = await LevelStateStore.open(dir);
    await expect(readStoredState(dir)).rejects.toThrow(/state\.db is in use by another process/);
    await st.close();
  });

  it('readStoredState reads the chain state without keeping the database open', async () => {
    const dir = tmp();
    expect(await readStoredState(dir)).toBeNull(); // no state.db: nothing is created
    expect(await readStoredState(join(dir, 'missing'))).toBeNull();
    const s = await LevelStateStore.open(dir);
    expect(s.load()).toBeNull();
    await s.close();
    expect(await readStoredState(dir)).toBeNull(); // an empty database
    const t = await LevelStateStore.open(dir);
    await t.save(state, { txResults: [], validatorUpdates: [], appHash: state.appHash });
    await t.close();
    const read = await readStoredState(dir);
    expect(read?.chainId).toBe(state.chainId);
    expect(read?.lastBlockHeight).toBe(state.lastBlockHeight);
    const u = await LevelStateStore.open(dir); // not left locked
    await u.close();
  });
});

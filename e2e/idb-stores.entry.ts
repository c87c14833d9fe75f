// Browser side of idb-stores.spec.ts: the storage contracts and a simulated chain's stores,
// against real IndexedDB in Chromium.
import { blockStoreContract, privValidatorStateContract, signingJournalContract, stateStoreContract, walContract } from '../src/node/store-contracts.js';
import type { NodeDatabase } from '../src/platform/browser/idb-stores.js';
import { IdbBlockStore, IdbPrivValidatorStateStore, IdbSigningJournal, IdbStateStore, IdbWAL, openNodeDatabase } from '../src/platform/browser/idb-stores.js';
import { createKeySigner } from '../src/platform/shared/webcrypto-verifier.js';
import { Simulation } from '../src/sim/simulation.js';
import { PartSet } from '../src/core/blocks/part-set.js';
import { toHex } from '../src/core/bytes.js';
import { scanCometWal } from '../src/core/wal/scan.js';

declare global {
  interface Window {
    runIdbChecks(): Promise<Record<string, unknown>>;
  }
}

window.runIdbChecks = async () => {
  await walContract(async () => new IdbWAL(await openNodeDatabase('contract-wal')));
  await privValidatorStateContract(async () => new IdbPrivValidatorStateStore(await openNodeDatabase('contract-privval')));
  await walContract(async () => new IdbSigningJournal(await openNodeDatabase('contract-journal-wal')));
  // each open is a restart: a new connection, and whatever was staged in memory is gone
  let conn: Awaited<ReturnType<typeof openNodeDatabase>> | null = null;
  const reopen = async () => {
    conn?.close();
    conn = await openNodeDatabase('contract-journal');
    return new IdbSigningJournal(conn);
  };
  await signingJournalContract(reopen, await createKeySigner(new Uint8Array(32).fill(42)));

  // a real chain, simulated here in the page, stored and reloaded
  const sim = new Simulation({ validators: 4, heights: 3, seed: 5, config: { timeoutCommit: 100 }, txsPerHeight: 2 });
  const res = await sim.run();
  const src = sim.nodes[0];

  // the block and state contracts, over this chain; a cache of 2 blocks makes most reads go to IndexedDB
  const chain = Array.from({ length: src.blockStore.height() }, (_, i) => {
    const meta = src.blockStore.loadBlockMeta(i + 1)!;
    const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
    for (let p = 0; p < meta.numParts; p++) parts.addPart(src.blockStore.loadBlockPart(i + 1, p)!);
    return { block: src.blockStore.loadBlock(i + 1)!, parts, seenCommit: src.blockStore.loadSeenCommit(i + 1)! };
  });
  let blockConn: NodeDatabase | null = null;
  await blockStoreContract(async () => {
    blockConn?.close();
    blockConn = await openNodeDatabase('contract-blocks');
    return IdbBlockStore.open(blockConn, 2);
  }, chain);
  const bounded = await IdbBlockStore.open(await openNodeDatabase('contract-blocks'), 2);
  for (let h = 1; h <= bounded.height(); h++) await bounded.prefetch(h);
  const cacheBounded = bounded.cachedHeights().length <= 2;
  let stateConn: NodeDatabase | null = null;
  await stateStoreContract(async () => {
    stateConn?.close();
    stateConn = await openNodeDatabase('contract-state');
    return IdbStateStore.open(stateConn);
  }, src.stateStore.load()!);

  const db = await openNodeDatabase('chain');
  const wal = new IdbWAL(db);
  for (const r of src.wal.records) await wal.writeSync(r);
  const blocks = await IdbBlockStore.open(db);
  for (let h = 1; h <= src.blockStore.height(); h++) {
    const meta = src.blockStore.loadBlockMeta(h)!;
    const parts = PartSet.fromHeader(meta.blockId.partSetHeader);
    for (let i = 0; i < meta.numParts; i++) parts.addPart(src.blockStore.loadBlockPart(h, i)!);
    await blocks.saveBlock(src.blockStore.loadBlock(h)!, parts, src.blockStore.loadSeenCommit(h)!);
  }
  await (await IdbStateStore.open(db)).save(src.stateStore.load()!);
  db.close();

  const again = await openNodeDatabase('chain');
  const blocks2 = await IdbBlockStore.open(again);
  for (let h = 1; h <= blocks2.height(); h++) await blocks2.prefetch(h);
  const state2 = (await IdbStateStore.open(again)).load()!;
  const walBytes = await new IdbWAL(again).exportBytes();
  const hashes = (s: { loadBlockMeta(h: number): { blockId: { hash: Uint8Array } } | null }, n: number) =>
    Array.from({ length: n }, (_, i) => toHex(s.loadBlockMeta(i + 1)!.blockId.hash));
  return {
    simOk: res.ok,
    cacheBounded,
    heights: blocks2.height(),
    sameBlocks: JSON.stringify(hashes(blocks2, blocks2.height())) === JSON.stringify(hashes(src.blockStore, src.blockStore.height())),
    sameState: toHex(state2.appHash) === toHex(src.stateStore.load()!.appHash) && state2.lastBlockHeight === src.stateStore.load()!.lastBlockHeight,
    walRecords: scanCometWal(walBytes).entries.length,
    walRecordsExpected: src.wal.records.length,
  };
};

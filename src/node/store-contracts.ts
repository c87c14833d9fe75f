// The contract every storage backend must keep (memory, Node files, IndexedDB), as plain async
// checks that throw on a breach: run under Vitest in Node and inside Chromium alike.
import type { WalRecord } from '../core/wal/record.js';
import type { LastSignState } from '../core/privval/sign-state.js';
import { SignedMsgType } from '../core/types.js';
import { nilBlockId } from '../core/blockid.js';
import type { Block, Commit } from '../core/types.js';
import type { PartSet } from '../core/blocks/part-set.js';
import { blockHash } from '../core/state/execution.js';
import type { ChainState } from '../core/state/chain-state.js';
import { copyChainState } from '../core/state/chain-state.js';
import { chainStateToJson } from '../core/state/chain-state-json.js';
import type { BlockStore, StateStore, WAL } from './ports.js';
import type { KeySigner, PrivValidatorStateStore } from './priv-validator.js';
import { LocalPrivValidator } from './priv-validator.js';
import { SignRefusedError } from '../core/errors.js';

function assert(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`contract breached: ${what}`);
}

/** Deep equality through a canonical form (sorted keys, bytes and bigints spelled out). */
function canonical(v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${[...v].join(',')}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const vote = (height: number, index: number): WalRecord => ({
  type: 'msgInfo',
  time: 1700000000000 + height,
  peerId: index === 0 ? '' : `peer${index}`,
  msg: {
    kind: 'Vote',
    vote: {
      type: SignedMsgType.Prevote,
      height,
      round: 0,
      blockId: nilBlockId(),
      timestamp: { seconds: 1700000000, nanos: index },
      validatorAddress: new Uint8Array(20).fill(index),
      validatorIndex: index,
      signature: new Uint8Array(64).fill(index + 1),
      extension: new Uint8Array(0),
      extensionSignature: new Uint8Array(0),
    },
  },
});

/** `open` returns the backend over the same underlying storage each time it is called. */
export async function walContract(open: () => Promise<WAL & { close?: () => Promise<void> }>): Promise<void> {
  let wal = await open();
  assert(await wal.isEmpty(), 'a new WAL is empty');
  const records: WalRecord[] = [
    { type: 'endHeight', time: 1700000000000, height: 0 },
    { type: 'roundState', time: 1700000000001, event: { height: 1, round: 0, step: 'RoundStepPropose' } },
    vote(1, 0),
    { type: 'timeout', time: 1700000000002, timeout: { duration: 3000, height: 1, round: 0, step: 3 } },
    vote(1, 2),
    { type: 'endHeight', time: 1700000000003, height: 1 },
    vote(2, 1),
  ];
  for (const r of records) await (r.type === 'endHeight' || (r.type === 'msgInfo' && r.peerId === '') ? wal.writeSync(r) : wal.write(r));
  assert(!(await wal.isEmpty()), 'a WAL with records is not empty');
  assert(same(await wal.recordsAfterEndHeight(1), records.slice(6)), 'records after EndHeight(1) come back in order');
  assert((await wal.recordsAfterEndHeight(5)) === null, 'no EndHeight(5) marker means null');
  let refused = false;
  await wal.recordsAfterEndHeight(0).catch(() => (refused = true));
  assert(refused, 'asking to replay a height whose EndHeight exists is refused');
  await wal.close?.();
  wal = await open();
  assert(same(await wal.recordsAfterEndHeight(0).catch(() => 'refused'), 'refused'), 'reopened: the later marker is still there');
  assert(same(await wal.recordsAfterEndHeight(1), records.slice(6)), 'reopened: synced records survive');
  await wal.close?.();
}

export async function privValidatorStateContract(open: () => Promise<PrivValidatorStateStore>): Promise<void> {
  const store = await open();
  assert((await store.load()) === null, 'nothing signed yet loads as null');
  const s: LastSignState = { height: 9, round: 2, step: 3, signature: new Uint8Array(64).fill(7), signBytes: new Uint8Array([1, 2, 3]) };
  await store.save(s);
  assert(same(await store.load(), s), 'the saved state loads back');
  assert(same(await (await open()).load(), s), 'the saved state survives a reopen');
  const t: LastSignState = { ...s, round: 3, step: 1 };
  await store.save(t);
  assert(same(await (await open()).load(), t), 'a later save replaces the state');
}

/**
 * A store that is both the WAL and the PrivValidator state, committing a staged sign state with
 * the next synced WAL write: never one without the other on disk. `open` reopens the same
 * storage (a restart); `signer` signs real votes for the double-sign part.
 */
export async function signingJournalContract(open: () => Promise<WAL & PrivValidatorStateStore & { close?: () => Promise<void> }>, signer: KeySigner): Promise<void> {
  let j = await open();
  await j.writeSync({ type: 'endHeight', time: 1700000000000, height: 0 });
  const s: LastSignState = { height: 1, round: 0, step: 2, signature: new Uint8Array(64).fill(5), signBytes: new Uint8Array([9]) };
  await j.save(s);
  assert(same(await j.load(), s), 'a staged state loads back before it is durable');
  await j.write(vote(1, 3));
  j = await open();
  assert((await j.load()) === null, 'a staged state is not durable through a buffered write alone');
  await j.save(s);
  await j.writeSync(vote(1, 0));
  j = await open();
  assert(same(await j.load(), s), 'the staged state is durable with the synced WAL record');
  assert(same((await j.recordsAfterEndHeight(0))?.at(-1), vote(1, 0)), 'and so is the record');

  // a real validator: what it signed and wrote survives a restart and blocks a conflicting vote
  const base = (vote(2, 0) as Extract<WalRecord, { type: 'msgInfo' }>).msg as { kind: 'Vote'; vote: Parameters<LocalPrivValidator['signVote']>[1] };
  const pv = new LocalPrivValidator(signer, j);
  await pv.load();
  const a = await pv.signVote('journal-chain', { ...base.vote, validatorAddress: pv.address, signature: new Uint8Array(0) });
  await j.writeSync({ type: 'msgInfo', time: 1700000000100, peerId: '', msg: { kind: 'Vote', vote: a } });
  await j.close?.();
  j = await open();
  const again = new LocalPrivValidator(signer, j);
  await again.load();
  const conflicting = { ...base.vote, validatorAddress: pv.address, signature: new Uint8Array(0), blockId: { hash: new Uint8Array(32).fill(1), partSetHeader: { total: 1, hash: new Uint8Array(32).fill(2) } } };
  const refused = await Promise.resolve()
    .then(() => again.signVote('journal-chain', conflicting))
    .then(() => null, (e: unknown) => e);
  assert(refused instanceof SignRefusedError, 'after a restart, a vote conflicting with one signed and written is refused');

  // signed but never written (a crash before the WAL write): neither is on disk, nothing left the node
  const b = await again.signVote('journal-chain', { ...base.vote, height: 3, validatorAddress: pv.address, signature: new Uint8Array(0) });
  assert(b.signature.length === 64, 'a vote for a new height is signed');
  await j.close?.();
  j = await open();
  assert((await j.load())?.height === 2, 'the unwritten signature left no state behind: the last durable one is the height-2 vote');
  await j.close?.();
}

export interface SavedBlock {
  block: Block;
  parts: PartSet;
  seenCommit: Commit;
}

/** A store whose reads may need the block brought in first (IndexedDB: asynchronous reads). */
type OpenBlockStore = BlockStore & { prefetch?(height: number): Promise<void> };

async function checkBlocks(s: OpenBlockStore, chain: SavedBlock[], when: string): Promise<void> {
  assert(s.height() === chain.length && s.base() === 1, `${when}: height ${chain.length} and base 1 (got ${s.height()}, ${s.base()})`);
  // newest first, then oldest: a bounded cache must still serve every height
  const order = chain.map((_, i) => chain.length - i).concat(chain.map((_, i) => i + 1));
  for (const h of order) {
    const { block, parts, seenCommit } = chain[h - 1];
    await s.prefetch?.(h);
    await s.prefetch?.(h + 1);
    const got = s.loadBlock(h);
    assert(got && same(blockHash(got), blockHash(block)) && same(got, block), `${when}: block ${h} loads back as saved`);
    const meta = s.loadBlockMeta(h);
    assert(meta && meta.height === h && meta.numParts === parts.total && same(meta.blockId, { hash: blockHash(block), partSetHeader: parts.header() }), `${when}: meta of ${h}`);
    for (let i = 0; i < parts.total; i++) assert(same(s.loadBlockPart(h, i)?.bytes, parts.getPart(i)!.bytes), `${when}: part ${i} of ${h}`);
    assert(s.loadBlockPart(h, parts.total) === null, `${when}: no part beyond the last`);
    assert(same(s.loadSeenCommit(h), seenCommit), `${when}: seen commit of ${h}`);
    const next = chain[h];
    assert(next ? same(s.loadBlockCommit(h), next.block.lastCommit) : s.loadBlockCommit(h) === null, `${when}: the canonical commit of ${h} is block ${h + 1}'s LastCommit`);
  }
  for (const h of [0, chain.length + 1, -1]) assert(s.loadBlock(h) === null && s.loadBlockMeta(h) === null && s.loadSeenCommit(h) === null, `${when}: height ${h} is not stored`);
}

/**
 * Blocks saved in order read back exactly, from every height, also after a reopen (`open` gives
 * the backend over the same storage each time); a gap is refused. `chain` holds heights 1..n.
 */
export async function blockStoreContract(open: () => Promise<OpenBlockStore>, chain: SavedBlock[]): Promise<void> {
  assert(chain.length >= 3, 'the contract needs a chain of three blocks or more');
  let s = await open();
  assert(s.height() === 0 && s.base() === 0 && s.loadBlock(1) === null, 'a new store is empty');
  for (const b of chain) await s.saveBlock(b.block, b.parts, b.seenCommit);
  await checkBlocks(s, chain, 'saved');
  const last = chain[chain.length - 1];
  // refused by a throw or a rejection, as the store finishes at once or later
  const gap = await Promise.resolve()
    .then(() => s.saveBlock({ ...last.block, header: { ...last.block.header, height: chain.length + 2 } }, last.parts, last.seenCommit))
    .then(
      () => false,
      () => true,
    );
  assert(gap, 'saving a height that leaves a gap is refused');
  s = await open();
  await checkBlocks(s, chain, 'reopened');
}

/** The state saved loads back (a copy, not the store's own), also after a reopen; a later save replaces it. */
export async function stateStoreContract(open: () => Promise<StateStore>, state: ChainState): Promise<void> {
  const response = { txResults: [], validatorUpdates: [], appHash: state.appHash };
  const json = (s: ChainState | null) => (s ? chainStateToJson(s) : 'null');
  let s = await open();
  assert(s.load() === null, 'a new store loads null');
  await s.save(state, response);
  assert(json(s.load()) === json(state), 'the saved state loads back');
  const loaded = s.load()!;
  loaded.lastBlockHeight += 100;
  loaded.appHash = new Uint8Array(32).fill(0xee);
  assert(json(s.load()) === json(state), 'a loaded state is a copy: changing it changes nothing stored');
  s = await open();
  assert(json(s.load()) === json(state), 'the saved state survives a reopen');
  const later = copyChainState(state);
  later.lastBlockHeight += 1;
  later.appHash = new Uint8Array(32).fill(0x42);
  await s.save(later, { ...response, appHash: later.appHash });
  assert(json((await open()).load()) === json(later), 'a later save replaces the state');
}
